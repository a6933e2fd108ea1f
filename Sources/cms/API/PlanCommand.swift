import ArgumentParser
import CMSAPI
import Foundation

/// `cms plan` — what applying a revision would change, per device and managed part. Exit status like
/// a detailed plan: 0 no changes, 1 changes, 2 error (including lint errors: the revision would not
/// be applied at all).
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what applying a revision would change (from cmsd).",
        discussion: """
            Exit status: 0 no changes, 1 changes, 2 error (cmsd unreachable, bad token, lint errors in the \
            revision, usage). --rev takes a branch, tag or commit of the remote: cmsd fetches it when its copy \
            does not have it yet. --local PATH sends the working tree of a tenant repository (tenant.yaml at its \
            root; hidden files and firmware/ left out) and plans it against the devices' live state, without a \
            commit. --format markdown writes a merge-request comment.

            EXAMPLES:
              cms plan
              cms plan --rev feature/mtu
              cms plan --rev "$CI_COMMIT_SHA" --format markdown > plan.md
              cms plan --local . --format markdown
              cms plan --rev main --native -o json
            """)

    @OptionGroup var api: APIOptions

    @Option(help: "The revision (commit, branch or tag, fetched on demand); default: the branch tip, fetched now.")
    var rev: String?

    @Option(help: "Plan this working tree (a tenant repository folder) instead of a committed revision.")
    var local: String?

    @Flag(help: "Also show the NETCONF <edit-config> payload (XML) per part.")
    var native = false

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, yaml, markdown }

    @Option(
        name: [.customShort("o"), .customLong("output"), .customLong("format")],
        help: "Output: text, json (the TenantPlan of the API), yaml or markdown (a merge-request comment).")
    var format: Format = .text

    func validate() throws {
        if rev != nil && local != nil { throw ValidationError("give either --rev or --local, not both") }
    }

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            var query: [(String, String)] = []
            if let rev { query.append(("rev", rev)) }
            if native { query.append(("native", "true")) }
            let plan: TenantPlan
            if let local {
                let tree = try LocalTreeReader.read(local)
                let body: Data
                do {
                    body = try JSONEncoder().encode(tree)
                } catch {
                    throw CLIFailure("cannot encode the tree of \(local): \(error)")
                }
                plan = try client.decode(
                    try await client.send("POST", ["tenants", tenant, "plan", "local"], query: query, body: body))
            } else {
                plan = try await client.get(["tenants", tenant, "plan"], query: query)
            }
            switch format {
            case .json: print(try Output.json(plan))
            case .yaml: Output.write(try Output.yaml(plan))
            case .markdown: print(PlanMarkdown.render(plan))
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
        if !plan.suspensions.isEmpty {
            lines.append("")
            lines.append("devices suspended (cmsd stops managing them): " + plan.suspensions.joined(separator: ", "))
        }
        if !plan.resumptions.isEmpty {
            lines.append("")
            lines.append("devices resumed (managed again): " + plan.resumptions.joined(separator: ", "))
        }
        if let refused = plan.pruneRefused {
            lines.append("prune refused: " + TextTable.sanitize(refused))
        }
        lines.append("")
        let changing = plan.devices.filter { !$0.parts.isEmpty }.count
        if plan.hasChanges {
            var summary = "\(changing) device(s) would change, \(plan.deletions.count) would be removed"
            if !plan.suspensions.isEmpty { summary += ", \(plan.suspensions.count) suspended" }
            if !plan.resumptions.isEmpty { summary += ", \(plan.resumptions.count) resumed" }
            lines.append(summary + ".")
        } else {
            lines.append("No changes: every device matches the revision.")
        }
        return lines.joined(separator: "\n")
    }
}
