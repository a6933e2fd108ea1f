import ArgumentParser
import CMSAPI
import CMSModel
import Foundation

/// `cms config log DEVICE` — the archive revisions of a device, newest first.
struct ConfigLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "List the archive revisions of a device's config, newest first.")

    @OptionGroup var api: APIOptions

    @Argument(help: "The device code.")
    var device: String

    @Option(help: "At most this many revisions.")
    var limit: Int = 20

    @OptionGroup var output: ListOutputOption

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            let log: ConfigLog = try await client.get(
                ["tenants", tenant, "devices", device, "config", "log"], query: [("limit", String(limit))])
            Output.write(try Self.listing(log, device: device).render(output.output))
            return 0
        }
    }

    /// One row per archive revision; `wide` and `csv` keep the whole revision id.
    static func listing(_ log: ConfigLog, device: String) -> Listing<ConfigLog> {
        var table = TextTable(headers: ["REVISION", "TIME (UTC)", "AUTHOR", "SUBJECT", "FILES"], flexible: [2, 3, 4])
        var wide = table
        for entry in log.entries {
            let row = [
                entry.revision, Output.time(Timestamp(microsecondsSince1970: entry.time * 1_000_000)), entry.author,
                entry.subject, entry.files.joined(separator: " "),
            ]
            wide.rows.append(row)
            table.rows.append([String(entry.revision.prefix(12))] + row.dropFirst())
        }
        return Listing(value: log, table: table, wideTable: wide, empty: "\(device): nothing archived yet")
    }
}
