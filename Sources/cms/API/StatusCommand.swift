import ArgumentParser
import CMSAPI
import CMSModel

/// `cms status` — the tenant at a glance: sync condition, revisions, lint errors, device counters.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a tenant's sync status, revisions and device counters (from cmsd).")

    @OptionGroup var api: APIOptions

    @Option(help: "Output: text or json (the TenantStatus of the API).")
    var format: TextFormat = .text

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            let status: TenantStatus = try await client.get(["tenants", tenant, "status"])
            switch format {
            case .json: print(try Output.json(status))
            case .text: print(Self.render(status))
            }
            return 0
        }
    }

    static func render(_ status: TenantStatus) -> String {
        let condition = status.condition
        var pairs: [(String, String)] = [
            ("tenant", status.tenant),
            ("status", "\(condition.status.rawValue) (\(condition.reason)) since \(Output.time(condition.since)) UTC"),
        ]
        if !condition.message.isEmpty { pairs.append(("message", condition.message)) }
        pairs.append(("applied", status.lastAppliedRevision ?? "-"))
        pairs.append(("attempted", status.lastAttemptedRevision ?? "-"))
        pairs.append(("last fetch", status.lastFetch.map { Output.time($0) + " UTC" } ?? "-"))
        if let error = status.lastFetchError { pairs.append(("fetch error", error)) }
        pairs.append(("devices", DevicesCommand.countersLine(status.counts)))
        let sync = "ready \(status.ready) · reconciling \(status.reconciling) · stalled \(status.stalled)"
        pairs.append(("sync", sync))
        var text = Output.keyValues(pairs)
        if !status.lintErrors.isEmpty {
            text += "\nlint errors (the attempted revision was not applied):"
            for error in status.lintErrors { text += "\n  " + TextTable.sanitize(error) }
        }
        if !status.notCarriedOut.isEmpty {
            text += "\nnot carried out yet (declared in the revision, accepted by cms-lint, not acted on by this cmsd):"
            for kind in status.notCarriedOut { text += "\n  " + TextTable.sanitize(kind) }
        }
        return text
    }
}
