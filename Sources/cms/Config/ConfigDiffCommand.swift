import ArgumentParser
import CMSAPI

/// `cms config diff DEVICE [REV [REV]]` — like `git diff` between two archive revisions.
struct ConfigDiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what changed in a device's config between two archive revisions (default: its last two).")

    @OptionGroup var api: APIOptions

    @Argument(help: "The device code.")
    var device: String

    @Argument(help: "From this revision (default: the device's previous one); then to this one (default: newest).")
    var revisions: [String] = []

    func validate() throws {
        if revisions.count > 2 { throw ValidationError("give at most two revisions") }
    }

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            var query: [(String, String)] = []
            if let from = revisions.first { query.append(("from", from)) }
            if revisions.count == 2 { query.append(("to", revisions[1])) }
            let diff: ConfigDiff = try await client.get(
                ["tenants", tenant, "devices", device, "config", "diff"], query: query)
            if diff.text.isEmpty {
                print("no difference between \(diff.from.prefix(12)) and \(diff.to.prefix(12))")
            } else {
                print(diff.text, terminator: "")
            }
            return 0
        }
    }
}
