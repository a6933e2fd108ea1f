import ArgumentParser
import CMSAPI

/// `cms config show DEVICE [--rev R] [--format F] [--out FILE]` — one archived file.
struct ConfigShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print an archived config of a device (newest, or at --rev).")

    @OptionGroup var api: APIOptions

    @Argument(help: "The device code.")
    var device: String

    @Option(help: "An archive revision (default: the newest).")
    var rev: String?

    @Option(help: "xml, show-config or tgz.")
    var format: ConfigFormatOption = .xml

    @Option(help: "Write the file here (default: standard output; tgz needs --out).")
    var out: String?

    func validate() throws {
        if format == .tgz, out == nil { throw ValidationError("a tgz config is binary: give --out FILE") }
    }

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            var query = [("format", format.rawValue)]
            if let rev { query.append(("rev", rev)) }
            let file: ConfigFile = try await client.get(
                ["tenants", tenant, "devices", device, "config", "show"], query: query)
            try ConfigOutput.write(file, to: out)
            return 0
        }
    }
}
