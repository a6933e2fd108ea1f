import ArgumentParser
import CMSAPI

/// `cms plan` — what applying a revision would change, per device and managed part. Exit status like
/// a detailed plan: 0 no changes, 1 changes, 2 error (including lint errors: the revision would not
/// be applied at all).
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what applying a revision would change (from cmsd).",
        discussion: """
            Exit status: 0 no changes, 1 changes, 2 error (cmsd unreachable, bad token, lint errors in the \
            revision). Usage errors exit with 64.
            """)

    @OptionGroup var api: APIOptions

    @Option(help: "The revision (commit, branch or tag); default: the branch tip, fetched now.")
    var rev: String?

    @Flag(help: "Also show the NETCONF <edit-config> payload (XML) per part.")
    var native = false

    @Option(help: "Output: text or json (the TenantPlan of the API).")
    var format: TextFormat = .text

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            var query: [(String, String)] = []
            if let rev { query.append(("rev", rev)) }
            if native { query.append(("native", "true")) }
            let plan: TenantPlan = try await client.get(["tenants", tenant, "plan"], query: query)
            switch format {
            case .json: print(try Output.json(plan))
            case .text: print(Self.render(plan))
            }
            if !plan.lintErrors.isEmpty {
                throw CLIFailure(
                    "revision \(plan.revision) has \(plan.lintErrors.count) lint errors; it would not be applied")
            }
            return plan.hasChanges ? 1 : 0
        }
    }

    static func render(_ plan: TenantPlan) -> String {
        var lines = ["Plan for tenant \(plan.tenant) at revision \(plan.revision):"]
        if !plan.lintErrors.isEmpty {
            lines.append("")
            lines.append("Lint errors — this revision would NOT be applied:")
            lines += plan.lintErrors.map { "  " + TextTable.sanitize($0) }
        }
        for device in plan.devices {
            lines.append("")
            lines.append("device \(TextTable.sanitize(device.device))")
            for part in device.parts {
                lines.append("  \(part.part):")
                lines += part.summary.map { "    " + TextTable.sanitize($0) }
                if let native = part.native {
                    lines.append("    native <edit-config> payload:")
                    lines += native.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }
                }
            }
            lines += device.notes.map { "  note: " + TextTable.sanitize($0) }
        }
        if !plan.deletions.isEmpty {
            lines.append("")
            lines.append("devices gone from git (would be removed): " + plan.deletions.joined(separator: ", "))
        }
        if let refused = plan.pruneRefused {
            lines.append("prune refused: " + TextTable.sanitize(refused))
        }
        lines.append("")
        let changing = plan.devices.filter { !$0.parts.isEmpty }.count
        if plan.hasChanges {
            lines.append("\(changing) device(s) would change, \(plan.deletions.count) would be removed.")
        } else {
            lines.append("No changes: every device matches the revision.")
        }
        return lines.joined(separator: "\n")
    }
}
