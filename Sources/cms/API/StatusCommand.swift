import ArgumentParser
import CMSAPI
import CMSModel
import CMSVersion
import Foundation

/// `cms status` — the tenant at a glance: sync condition, revisions, lint errors, device counters. Its exit status
/// says how the tenant is, for scripts: 0 ready, 1 stalled, 3 reconciling (not settled yet), 2 error.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a tenant's sync status, revisions and device counters (from cmsd).",
        discussion: """
            Exit status: 0 ready, 1 stalled, 3 reconciling or no revision yet (not settled), 2 error (cmsd \\
            unreachable, bad token, usage). Times are in the tenant's time zone (tenant.yaml timeZone); --utc \\
            shows UTC. --watch redraws on every change until interrupted (Ctrl-C).

            EXAMPLES:
              cms status
              cms status -o json | jq .condition
              cms status --utc
              cms status --watch --interval 2
              until cms status >/dev/null; do sleep 5; done   # wait until ready (exit 0)
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, yaml }

    @OptionGroup var api: APIOptions

    @Option(
        name: [.customShort("o"), .customLong("output"), .customLong("format")],
        help: "Output: text, json (the TenantStatus of the API) or yaml.")
    var format: Format = .text

    @Flag(help: "Show times in UTC instead of the tenant's time zone.")
    var utc = false

    @Flag(help: "Redraw whenever the status changes, until interrupted.")
    var watch = false

    @Option(help: "Seconds between two looks with --watch.")
    var interval: Double = 2

    func validate() throws {
        if interval < 0.2 { throw ValidationError("--interval must be at least 0.2 seconds") }
    }

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            var last: String?
            while true {
                let status: TenantStatus = try await client.get(["tenants", tenant, "status"])
                let text = try render(status)
                if !watch {
                    Output.write(text + "\n")
                    return Self.exitStatus(status.condition.status)
                }
                if text != last {
                    Output.write((Terminal.isTTY ? "\u{1B}[H\u{1B}[2J" : "") + text + "\n")
                    last = text
                }
                try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
            }
        }
    }

    private func render(_ status: TenantStatus) throws(CLIFailure) -> String {
        switch format {
        case .json: try Output.json(status)
        case .yaml: try Output.yaml(status).trimmingCharacters(in: .newlines)
        case .text: Self.render(status, zone: Output.zone(tenantZone: status.timeZone, utc: utc))
        }
    }

    /// The documented exit status of a sync status (docs/cli.md).
    static func exitStatus(_ status: SyncStatus) -> Int32 {
        switch status {
        case .ready, .suspended: ExitConvention.success  // a tenant is never suspended, only its devices
        case .stalled: ExitConvention.result
        case .reconciling: ExitConvention.unsettled
        }
    }

    static func render(_ status: TenantStatus, zone: TimeZone = TimeZone(identifier: "UTC")!, colour: Bool = Terminal.colour)
        -> String
    {
        let condition = status.condition
        let zoneName = Output.zoneName(zone)
        var pairs: [(String, String)] = [
            ("tenant", status.tenant),
            (
                "status",
                "\(condition.status.rawValue) (\(condition.reason)) since \(Output.time(condition.since, zone: zone)) \(zoneName)"
            ),
        ]
        if !condition.message.isEmpty { pairs.append(("message", condition.message)) }
        pairs.append(("applied", status.lastAppliedRevision ?? "-"))
        pairs.append(("attempted", status.lastAttemptedRevision ?? "-"))
        pairs.append(("last fetch", status.lastFetch.map { Output.time($0, zone: zone) + " \(zoneName)" } ?? "-"))
        if let error = status.lastFetchError { pairs.append(("fetch error", error)) }
        pairs.append(("devices", DevicesCommand.countersLine(status.counts)))
        let sync =
            "ready \(status.ready) · reconciling \(status.reconciling) · stalled \(status.stalled)"
            + " · suspended \(status.suspended)"
        pairs.append(("sync", sync))
        var text = Output.keyValues(pairs)
        if colour, let paint = Terminal.colour(severity: condition.status.rawValue) {
            // Painted after alignment: the status word is the first word of the second line.
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.count > 1, let range = lines[1].range(of: condition.status.rawValue) {
                lines[1].replaceSubrange(range, with: Terminal.paint(condition.status.rawValue, paint, enabled: true))
            }
            text = lines.joined(separator: "\n")
        }
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
