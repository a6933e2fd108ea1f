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

    @OptionGroup var transfer: TransferCredentialOptions

    func validate() throws {
        if format == .tgz, out == nil, url == nil { throw ValidationError("a tgz config is binary: give --out FILE") }
        if url != nil, out != nil { throw ValidationError("--url and --out exclude each other") }
        try transfer.validate(url: url)
    }

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            if let url {
                var query = [("format", format.rawValue), ("url", url)]
                if let passwordSecret = transfer.passwordSecret { query.append(("passwordSecret", passwordSecret)) }
                if let keySecret = transfer.keySecret { query.append(("keySecret", keySecret)) }
                if let passphraseSecret = transfer.passphraseSecret { query.append(("passphraseSecret", passphraseSecret)) }
                if let hostKey = transfer.hostKey { query.append(("hostKey", hostKey)) }
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
