import ArgumentParser
import CMSAPI
import CMSModel

/// `cms devices` — the device list with state filter, sync filter, one-field search and paging.
struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List a tenant's devices (from cmsd).",
        discussion: """
            EXAMPLES:
              cms devices
              cms devices --sync stalled -o wide
              cms devices --search name~tokyo --state connected -o csv > devices.csv
              cms devices --watch

            --search FIELD=VALUE matches exactly, FIELD~VALUE matches part of the field (case-insensitive). \
            Fields: \(DeviceListQuery.Field.allCases.map(\.rawValue).joined(separator: ", ")). \
            States: \(DeviceState.allCases.map(\.rawValue).joined(separator: ", ")).
            """)

    @OptionGroup var api: APIOptions

    @Option(help: "Only devices in this state; repeatable.")
    var state: [String] = []

    @Option(help: "Only devices with this sync status: ready, reconciling, stalled or suspended.")
    var sync: String?

    @Option(help: "Search one field: FIELD=VALUE (exact) or FIELD~VALUE (partial).")
    var search: String?

    @Option(help: "Devices per page: all, 512, 256, 128, 64, 32 or 16.")
    var pageSize: String?

    @Option(help: "Page number, from 1.")
    var page: Int?

    @OptionGroup var output: ListOutputOption

    @Flag(help: "Redraw whenever the list changes, until interrupted.")
    var watch = false

    @Option(help: "Seconds between two looks with --watch.")
    var interval: Double = 2

    func run() async throws {
        try await CLIFailure.run { () async throws(CLIFailure) -> Int32 in
            let query = try queryItems()
            let client = try api.client()
            let tenant = try await api.tenant(using: client)
            var last: String?
            while true {
                let page: DevicePage = try await client.get(["tenants", tenant, "devices"], query: query)
                let text: String
                switch output.output {
                case .csv: text = Self.csv(page.devices)
                case .table: text = Self.table(page) + "\n"
                default: text = try Self.listing(page).render(output.output)
                }
                guard watch else {
                    Output.write(text)
                    return 0
                }
                if text != last {
                    Output.write((Terminal.isTTY ? "\u{1B}[H\u{1B}[2J" : "") + text)
                    last = text
                }
                try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
            }
        }
    }

    func queryItems() throws(CLIFailure) -> [(String, String)] {
        var items = state.map { ("state", $0) }
        if let sync { items.append(("sync", sync)) }
        if let search {
            let equals = search.firstIndex(of: "=")
            let tilde = search.firstIndex(of: "~")
            guard let split = [equals, tilde].compactMap({ $0 }).min() else {
                throw CLIFailure("--search: '\(search)' needs FIELD=VALUE (exact) or FIELD~VALUE (partial)")
            }
            items.append(("field", String(search[..<split])))
            items.append(("value", String(search[search.index(after: split)...])))
            items.append(("match", split == equals ? "exact" : "partial"))
        }
        if let pageSize { items.append(("pageSize", pageSize)) }
        if let page { items.append(("page", String(page))) }
        return items
    }

    /// Every column (wide), or the API's page (json, yaml).
    static func listing(_ page: DevicePage) -> Listing<DevicePage> {
        var table = TextTable(
            headers: ["CODE", "NAME", "PRODUCT", "STATE", "SYNC", "ADDRESS", "FIRMWARE", "SERIAL", "GROUPS", "NOTE"])
        for device in page.devices {
            table.rows.append([
                device.code, device.name, device.product, device.state.rawValue, device.sync.rawValue,
                device.controlAddress ?? "-", device.firmwareVersion ?? "-", device.serial ?? "-",
                device.groups.isEmpty ? "-" : device.groups.joined(separator: ","), device.note.isEmpty ? "-" : device.note,
            ])
        }
        return Listing(value: page, table: table, footer: footer(page), empty: "no devices match")
    }

    static func footer(_ page: DevicePage) -> String {
        let pages = page.pageSize.map { max(1, (page.total + $0 - 1) / $0) } ?? 1
        return "\(page.devices.count) of \(page.total) devices · page \(page.page)/\(pages)\n" + countersLine(page.counts)
    }

    static func table(_ page: DevicePage) -> String {
        var table = TextTable(
            headers: ["CODE", "NAME", "PRODUCT", "STATE", "SYNC", "ADDRESS"], flexible: [1], droppable: [5])
        for device in page.devices {
            table.rows.append([
                device.code, device.name, device.product, device.state.rawValue, device.sync.rawValue,
                device.controlAddress ?? "-",
            ])
        }
        var text = page.devices.isEmpty ? "no devices match" : table.render()
        let pages = page.pageSize.map { max(1, (page.total + $0 - 1) / $0) } ?? 1
        text += "\n\n\(page.devices.count) of \(page.total) devices · page \(page.page)/\(pages)"
        text += "\n" + countersLine(page.counts)
        return text
    }

    /// The SPEC §2 counters as one line.
    static func countersLine(_ counts: DeviceStateCounts) -> String {
        "connected \(counts.connected) · disconnected \(counts.disconnected) · "
            + "awaiting address \(counts.awaitingAddress) · suspended \(counts.suspended)"
    }

    static let csvHeader = [
        "code", "name", "product", "note", "state", "sync", "firmware", "serial", "hostname", "control-address",
        "groups",
    ]

    /// RFC 4180 and formula-injection safe (the escaping of the event CSV).
    static func csv(_ devices: [DeviceSummary]) -> String {
        var text = EventCSV.line(csvHeader)
        for device in devices {
            text += EventCSV.line([
                device.code, device.name, device.product, device.note, device.state.rawValue, device.sync.rawValue,
                device.firmwareVersion ?? "", device.serial ?? "", device.hostname ?? "", device.controlAddress ?? "",
                device.groups.joined(separator: " "),
            ])
        }
        return text
    }
}
