import ArgumentParser
import Foundation
import CMSAPI
import CMSModel

/// `cms events` — the event log search of SPEC §9 (period, user, device, group, oldest/newest, limit).
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Search a tenant's event log (from cmsd).",
        discussion: """
            Times are UTC: 2026-11-27T09:00:00Z, 2026-11-27T09:00:00.250Z, or a date 2026-11-27 (--from: the \
            start of that day, --to: its end). Without --oldest the newest events come first. The table shows \
            times in the tenant's time zone (tenant.yaml timeZone; --utc for UTC) and never cuts a message when piped.

            EXAMPLES:
              cms events --device nxr01 --limit 20
              cms events --user alice --from 2026-11-27 --to 2026-11-28 -o csv > events.csv
              cms events --group tokyo --oldest -o yaml
              cms events --utc -o wide
            """)

    /// Which end of the log the limit keeps.
    enum Order: String, EnumerableFlag {
        case newest, oldest
        static func help(for value: Order) -> ArgumentHelp? {
            value == .newest ? "The newest events, newest first (default)." : "The oldest events, oldest first."
        }
    }

    @OptionGroup var api: APIOptions

    @Option(help: "Period start (inclusive).")
    var from: String?

    @Option(help: "Period end (inclusive).")
    var to: String?

    @Option(help: "Only events of this user (exact).")
    var user: String?

    @Option(help: "Only events of this device code (exact).")
    var device: String?

    @Option(help: "Only events of this group (exact).")
    var group: String?

    @Flag var order: Order = .newest

    @Option(help: "At most this many events (1 to \(EventQuery.maximumLimit); default \(EventQuery.defaultLimit)).")
    var limit: Int?

    @OptionGroup var output: ListOutputOption

    @Flag(help: "Show times in UTC instead of the tenant's time zone.")
    var utc = false

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            var query: [(String, String)] = []
            if let from { query.append(("from", try Self.time(from, option: "--from", endOfDay: false))) }
            if let to { query.append(("to", try Self.time(to, option: "--to", endOfDay: true))) }
            if let user { query.append(("user", user)) }
            if let device { query.append(("device", device)) }
            if let group { query.append(("group", group)) }
            query.append(("order", order == .oldest ? "ascending" : "descending"))
            if let limit { query.append(("limit", String(limit))) }
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            switch output.output {
            case .csv:
                query.append(("format", "csv"))
                let data = try await client.send(
                    "GET", ["tenants", tenant, "events"], query: query, accept: "text/csv")
                Output.write(String(decoding: data, as: UTF8.self))
            case .json, .yaml, .table, .wide:
                let events: [Event] = try await client.get(["tenants", tenant, "events"], query: query)
                if events.isEmpty {
                    // Nothing at all: a misspelt device or group name is the likely cause.
                    try await DidYouMean.checkFilters(device: device, group: group, client: client, tenant: tenant)
                }
                var zone = Output.zone(tenantZone: nil, utc: true)
                if !utc, output.output == .table || output.output == .wide {
                    let status: TenantStatus = try await client.get(["tenants", tenant, "status"])
                    zone = Output.zone(tenantZone: status.timeZone, utc: false)
                }
                Output.write(try Self.listing(events, zone: zone).render(output.output))
            }
            return 0
        }
    }

    /// An option's time as the API takes it (ISO 8601 UTC); a bare date means its start or end.
    static func time(_ text: String, option: String, endOfDay: Bool) throws(CLIFailure) -> String {
        if Timestamp(iso8601: text) != nil { return text }
        if text.count == 10, Timestamp(iso8601: text + "T00:00:00Z") != nil {
            return text + (endOfDay ? "T23:59:59.999999Z" : "T00:00:00Z")
        }
        throw CLIFailure("\(option): '\(text)' is not a time; use UTC like 2026-11-27T09:00:00Z or a date 2026-11-27")
    }

    static func listing(_ events: [Event], zone: TimeZone) -> Listing<[Event]> {
        var table = TextTable(
            headers: ["TIME (\(Output.zoneName(zone)))", "SEVERITY", "TYPE", "USER", "DEVICE", "MESSAGE"], flexible: [5],
            droppable: [3, 2])
        for event in events {
            table.rows.append([
                Output.time(event.time, zone: zone), event.severity.rawValue,
                event.type.rawValue, event.user ?? "-", event.device ?? "-", event.message,
            ])
        }
        var listing = Listing(value: events, table: table, footer: "\(events.count) events", empty: "no events match")
        listing.rowColours = events.map { Terminal.colour(severity: $0.severity.rawValue) }
        return listing
    }
}
