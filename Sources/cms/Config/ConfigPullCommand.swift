import ArgumentParser
import CMSAPI
import Foundation

/// `cms config pull DEVICE [--format xml|show-config|tgz] [--out FILE]`.
struct ConfigPullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Fetch the device's running config now; cmsd archives it (recorded with your API user).")

    @OptionGroup var api: APIOptions

    @Argument(help: "The device code.")
    var device: String

    @Option(help: "xml, show-config or tgz.")
    var format: ConfigFormatOption = .xml

    @Option(help: "Write the file here (default: standard output; tgz needs --out).")
    var out: String?

    @Option(help: "Have the device upload it to ssh://account@host:port/path instead (nothing is archived).")
    var url: String?

    @Option(help: "The URL's password as a secret reference: env:CMS_<TENANT>_NAME or file:NAME (never the password).")
    var passwordSecret: String?

    @Option(
        help: """
            Instead of a password: an SSH private key as a secret reference (env:CMS_<TENANT>_NAME or file:NAME); \
            cmsd then transfers the file itself (the device's transfer takes only a password).
            """)
    var keySecret: String?

    @Option(help: "The key's passphrase as a secret reference (an encrypted key only).")
    var passphraseSecret: String?

    @Option(help: "With --key-secret: the SSH server's host key, SHA256:… (ssh-keygen -l -E sha256 -f its key).")
    var hostKey: String?

    func validate() throws {
        if format == .tgz, out == nil, url == nil { throw ValidationError("a tgz config is binary: give --out FILE") }
        if url != nil, out != nil { throw ValidationError("--url and --out exclude each other") }
        if passwordSecret != nil, url == nil { throw ValidationError("--password-secret goes with --url") }
        if keySecret != nil || passphraseSecret != nil || hostKey != nil {
            guard url != nil else { throw ValidationError("--key-secret, --passphrase-secret and --host-key go with --url") }
            guard keySecret != nil, hostKey != nil else {
                throw ValidationError("with a key, give --key-secret and --host-key SHA256:… (the server's pinned host key)")
            }
            guard passwordSecret == nil else { throw ValidationError("give --password-secret or --key-secret, not both") }
        }
    }

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            if let url {
                var query = [("format", format.rawValue), ("url", url)]
                if let passwordSecret { query.append(("passwordSecret", passwordSecret)) }
                if let keySecret { query.append(("keySecret", keySecret)) }
                if let passphraseSecret { query.append(("passphraseSecret", passphraseSecret)) }
                if let hostKey { query.append(("hostKey", hostKey)) }
                let data = try await client.send(
                    "POST", ["tenants", tenant, "devices", device, "config", "pull"], query: query)
                let done: ConfigRestoreAccepted = try client.decode(data)
                print(done.message)
                return 0
            }
            let data = try await client.send(
                "POST", ["tenants", tenant, "devices", device, "config", "pull"], query: [("format", format.rawValue)])
            let file: ConfigFile = try client.decode(data)
            try ConfigOutput.write(file, to: out)
            let revision = file.revision.map { String($0.prefix(12)) } ?? "-"
            FileHandle.standardError.write(
                Data(
                    "\(device): \(file.size) bytes of \(file.format); archive \(revision)"
                        .appending(file.changed ? " (new revision)\n" : " (unchanged)\n").utf8))
            return 0
        }
    }
}

enum ConfigOutput {
    /// Writes a file's bytes to `path`, or to standard output.
    static func write(_ file: ConfigFile, to path: String?) throws(CLIFailure) {
        guard let bytes = Data(base64Encoded: file.contentBase64) else {
            throw CLIFailure("the answer holds no readable file content")
        }
        if let path {
            do {
                try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw CLIFailure("cannot write \(path): \(error.localizedDescription)")
            }
        } else {
            FileHandle.standardOutput.write(bytes)
        }
    }
}
