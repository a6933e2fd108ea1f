import CMSBackup
import CMSStore
import Foundation

/// One file a part put in its snapshot folder.
public struct PartFile: Sendable, Hashable {
    /// Path relative to the part's folder (the member is `<part>/<path>`).
    public var path: String
    public var sealed: Bool
    public var mode: Int

    public init(path: String, sealed: Bool, mode: Int) {
        self.path = path
        self.sealed = sealed
        self.mode = mode
    }
}

/// A named piece of a tenant's runtime state that a backup carries (docs/backup.md "Parts"). The backup asks
/// each part for a consistent snapshot into a folder of its own; a restore checks every part's staged folder
/// before anything is replaced, then installs the parts one by one. `install` must be idempotent: after a crash
/// during a restore, cmsd runs every part's install again from the staged folders (roll forward).
///
/// The parts: `keys`, `secrets` (``TenantFilesPart``), `state`, `events` (``StoreRowsPart``), `archive` (the config
/// archive, issue 12) and `images` (firmware image records, issue 11, ``FirmwareRecordsPart``), listed by
/// `Daemon.backupParts`.
public protocol BackupPart: Sendable {
    var name: String { get }
    /// Writes a consistent snapshot into `folder` (fresh, empty). Blocking; never on the concurrency pool.
    func snapshot(into folder: String) throws -> [PartFile]
    /// Checks the staged folder (unpacked from a verified archive) before anything is replaced.
    func check(staged folder: String) throws(RestoreProblem)
    /// Puts the staged state in place of the live one; `folder` is nil when the backup does not hold this part.
    func install(from folder: String?) throws
}

/// Files and folders under `<data>/tenants/<code>/`, copied as they are; `sealed` says which are secret.
public struct TenantFilesPart: BackupPart {
    public struct Item: Sendable, Hashable {
        /// Relative to the tenant folder: `ssh`, `secrets`, `ipsec.secret`, `api.token`.
        public var path: String
        public var isFolder: Bool

        public init(_ path: String, isFolder: Bool) {
            self.path = path
            self.isFolder = isFolder
        }
    }

    public let name: String
    public let tenantFolder: String
    public let items: [Item]
    /// Which files are sealed (relative path within the part).
    public let isSecret: @Sendable (String) -> Bool
    /// Paths inside a folder item starting with one of these are copied after all others (a git repository's
    /// `objects/` after its refs: objects are written before a ref names them, so the copy is consistent at the
    /// commit its copied refs name, while commits go on).
    public let copyLast: [String]

    public init(
        name: String, tenantFolder: String, items: [Item], copyLast: [String] = [],
        isSecret: @escaping @Sendable (String) -> Bool
    ) {
        self.name = name
        self.tenantFolder = tenantFolder
        self.items = items
        self.copyLast = copyLast
        self.isSecret = isSecret
    }

    /// The tenant's config archive (issue 12), a bare git repository at `<data>/archive/<code>.git`, copied online
    /// refs first, objects last, with the key of its secret markers (`<code>.redaction-key`); sealed (device
    /// configurations may hold passwords).
    public static func archive(dataFolder: String, tenant: String) -> TenantFilesPart {
        TenantFilesPart(
            name: "archive", tenantFolder: dataFolder + "/archive",
            items: [Item(tenant + ".git", isFolder: true), Item(tenant + ".redaction-key", isFolder: false)],
            copyLast: [tenant + ".git/objects/"]
        ) { _ in true }
    }

    /// The tenant's SSH key pair (`ssh/`): the private key sealed, the public key as is.
    public static func keys(tenantFolder: String) -> TenantFilesPart {
        TenantFilesPart(name: "keys", tenantFolder: tenantFolder, items: [Item("ssh", isFolder: true)]) {
            !$0.hasSuffix(".pub")
        }
    }

    /// Generated and stored secrets: `secrets/` (secret references' files), `ipsec.secret`, `api.token`; all sealed.
    public static func secrets(tenantFolder: String) -> TenantFilesPart {
        TenantFilesPart(
            name: "secrets", tenantFolder: tenantFolder,
            items: [Item("secrets", isFolder: true), Item("ipsec.secret", isFolder: false), Item("api.token", isFolder: false)]
        ) { _ in true }
    }

    public func snapshot(into folder: String) throws -> [PartFile] {
        var files: [PartFile] = []
        for item in items {
            let live = tenantFolder + "/" + item.path
            var info = stat()
            guard lstat(live, &info) == 0 else {
                // Absent when backed up: a restore removes it.
                try FileIO.write([], to: folder + "/" + item.path + Self.absentSuffix, mode: 0o600)
                files.append(PartFile(path: item.path + Self.absentSuffix, sealed: false, mode: 0o600))
                continue
            }
            if item.isFolder {
                // Temporary files are left out: ours (`.tmp-`), locks, and git's quarantine of a push in progress
                // (`objects/tmp_objdir-incoming-*`, moved into place before the push updates a ref).
                let listing = {
                    try FileIO.regularFiles(under: live).filter {
                        !$0.contains(".tmp-") && !$0.hasSuffix(".lock") && !$0.contains("tmp_objdir-")
                    }
                }
                let late = { (relative: String) in copyLast.contains { (item.path + "/" + relative).hasPrefix($0) } }
                // The late files (a git repository's objects) are listed only once the others (its refs) are copied:
                // a commit that lands meanwhile writes its objects before its ref, so every copied ref finds its
                // objects. Listed up front, a ref copied after a racing push named objects never listed (CI).
                for relative in try listing().filter({ !late($0) }) {
                    let path = item.path + "/" + relative
                    let mode = try FileIO.copy(live + "/" + relative, to: folder + "/" + path)
                    files.append(PartFile(path: path, sealed: isSecret(path), mode: mode))
                }
                for relative in try listing().filter(late) {
                    let path = item.path + "/" + relative
                    let mode: Int
                    do {
                        mode = try FileIO.copy(live + "/" + relative, to: folder + "/" + path)
                    } catch where !FileManager.default.fileExists(atPath: live + "/" + relative) {
                        continue  // gone since the listing (a loose object packed meanwhile): not needed by the refs
                    }
                    files.append(PartFile(path: path, sealed: isSecret(path), mode: mode))
                }
            } else if info.st_mode & S_IFMT == S_IFREG {
                let mode = try FileIO.copy(live, to: folder + "/" + item.path)
                files.append(PartFile(path: item.path, sealed: isSecret(item.path), mode: mode))
            }
        }
        return files
    }

    static let absentSuffix = ".absent"

    public func check(staged folder: String) throws(RestoreProblem) {}

    public func install(from folder: String?) throws {
        guard let folder else { return }
        for item in items {
            let staged = folder + "/" + item.path
            let live = tenantFolder + "/" + item.path
            if FileManager.default.fileExists(atPath: staged + Self.absentSuffix) {
                try? FileManager.default.removeItem(atPath: live)
                continue
            }
            guard FileManager.default.fileExists(atPath: staged) else { continue }  // installed already
            try FileIO.makeFolder(tenantFolder)
            if item.isFolder {
                let replaced = live + ".replaced"
                try? FileManager.default.removeItem(atPath: replaced)
                if FileManager.default.fileExists(atPath: live) { try FileIO.rename(live, to: replaced) }
                try FileIO.rename(staged, to: live)
                try? FileManager.default.removeItem(atPath: replaced)
            } else {
                try FileIO.rename(staged, to: live)
            }
            FileIO.syncFolder(tenantFolder)
        }
    }
}

/// The tenant's rows of one SQLite store, copied into a file of their own with `TenantStoreCopy` (SQLite's online
/// backup API, then only this tenant's rows): ``state(store:tenant:)`` (pins, serials, sync status, apply intents,
/// revisions) and ``events(store:tenant:)`` (the event log, only when asked: `--include-events`).
public struct StoreRowsPart: BackupPart {
    public let name: String
    public let tenant: String
    /// The member's file name inside the part (`state.sqlite`, `events.sqlite`).
    let file: String
    let export: @Sendable (String) throws -> Void
    let checkCopy: @Sendable (String) throws(StoreCopyError) -> Void
    /// Installs the copy at the path; nil when the backup does not hold the part.
    let importCopy: @Sendable (String?) throws -> Void

    /// The state store's rows. A backup without them leaves the live rows alone.
    public static func state(store: SQLiteStateStore, tenant: String) -> StoreRowsPart {
        StoreRowsPart(
            name: "state", tenant: tenant, file: "state.sqlite",
            export: { _ = try TenantStoreCopy.exportState(store, tenant: tenant, to: $0) },
            checkCopy: { (path: String) throws(StoreCopyError) in _ = try TenantStoreCopy.checkState(at: path, tenant: tenant) },
            importCopy: { path in
                if let path { try TenantStoreCopy.importState(store, tenant: tenant, from: path) }
            })
    }

    /// The event log. A restore without it erases the tenant's log (SPEC §11); with it, the log is the backup's.
    public static func events(store: SQLiteEventStore, tenant: String) -> StoreRowsPart {
        StoreRowsPart(
            name: "events", tenant: tenant, file: "events.sqlite",
            export: { _ = try TenantStoreCopy.exportEvents(store, tenant: tenant, to: $0) },
            checkCopy: { (path: String) throws(StoreCopyError) in _ = try TenantStoreCopy.checkEvents(at: path, tenant: tenant) },
            importCopy: { try TenantStoreCopy.importEvents(store, tenant: tenant, from: $0) })
    }

    public func snapshot(into folder: String) throws -> [PartFile] {
        try FileIO.makeFolder(folder)
        try export(folder + "/" + file)
        return [PartFile(path: file, sealed: false, mode: 0o600)]
    }

    public func check(staged folder: String) throws(RestoreProblem) {
        do {
            try checkCopy(folder + "/" + file)
        } catch .otherTenant(let other) {
            throw .notThisTenant(found: other, expected: tenant)
        } catch {
            throw .corrupt("\(name)/\(file): \(error)")
        }
    }

    public func install(from folder: String?) throws {
        try importCopy(folder.map { $0 + "/" + file })
    }
}
