import ArgumentParser
import CMSAPI

/// `cms tenant backup [--to FILE | --to ssh://account@host:port/path] [--include-events]`.
struct TenantBackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up the tenant's runtime state (keys, secrets, pins, sync state) while cmsd keeps running.",
        discussion: """
            cmsd writes one .tar.gz with a manifest (format, cmsd version, tenant, time, git revision in force, \
            SHA-256 of every member); private keys and secrets are sealed with the tenant's backup.key. Without \
            --to, the file is <tenant>-<UTC time>.tgz in the tenant's backup folder (backup.folder, default \
            <data>/backups/<tenant>); a name is taken inside that folder. An ssh:// URL is uploaded over SFTP to \
            the server pinned in backup.ssh, creating missing folders. See docs/backup.md.
            """)

    @OptionGroup var api: APIOptions

    @Option(help: "A file name in the tenant's backup folder, or ssh://account@host:port/path.")
    var to: String?

    @Flag(help: "Include the tenant's event log.")
    var includeEvents = false

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            var query: [(String, String)] = []
            if let to { query.append(("to", to)) }
            if includeEvents { query.append(("events", "true")) }
            let result: BackupResult = try client.decode(try await client.send("POST", ["tenants", tenant, "backup"], query: query))
            print("backup of \(tenant) written to \(result.location) (\(result.size) bytes, \(String(format: "%.1f", result.seconds)) s)")
            TenantRestoreCommand.show(result.contents)
            return 0
        }
    }
}

/// `cms tenant restore FILE|ssh://… [--check]`.
struct TenantRestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Check or restore a tenant backup.",
        discussion: """
            --check verifies every member's SHA-256 and the manifest's MAC under backup.key and shows the contents \
            and backup time; nothing changes. Without --check the tenant's runtime state is replaced at once \
            (staged, then swapped): its controller restarts with the restored key and pins, reconnects its devices \
            and reconciles against the git revision in force. The tenant's event log is replaced by the backup's \
            (erased when the backup has none). See docs/backup.md.
            """)

    @OptionGroup var api: APIOptions

    @Argument(help: "A file name in the tenant's backup folder, or ssh://account@host:port/path.")
    var source: String

    @Flag(help: "Only check the file and show what it holds.")
    var check = false

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            var query: [(String, String)] = [("from", source)]
            if check { query.append(("check", "true")) }
            let result: RestoreResult = try client.decode(try await client.send("POST", ["tenants", tenant, "restore"], query: query))
            if result.checkOnly {
                print("\(result.location): a good backup of \(tenant); every member matches its SHA-256")
            } else {
                print("tenant \(tenant) restored from \(result.location); its devices reconnect and reconcile")
            }
            Self.show(result.contents)
            return 0
        }
    }

    static func show(_ contents: BackupContents) {
        print("  taken:    \(contents.created) by cmsd \(contents.cmsd) (format \(contents.format))")
        print("  revision: \(contents.revision ?? "(none in force)")")
        print("  parts:    \(contents.parts.joined(separator: ", ")); \(contents.devices) devices, \(contents.groups) groups")
        for member in contents.members {
            print("    \(member.name)  \(member.size) bytes\(member.sealed ? "  sealed" : "")  sha256:\(member.sha256.prefix(16))…")
        }
    }
}
