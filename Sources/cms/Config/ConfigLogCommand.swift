import ArgumentParser
import CMSAPI
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

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            let log: ConfigLog = try await client.get(
                ["tenants", tenant, "devices", device, "config", "log"], query: [("limit", String(limit))])
            if log.entries.isEmpty { print("\(device): nothing archived yet") }
            let formatter = ISO8601DateFormatter()
            for entry in log.entries {
                let time = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(entry.time)))
                print("\(entry.revision.prefix(12))  \(time)  \(entry.author)  \(entry.subject)")
                print("              files: \(entry.files.joined(separator: ", "))")
            }
            return 0
        }
    }
}
