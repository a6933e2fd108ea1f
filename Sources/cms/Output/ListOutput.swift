import ArgumentParser
import CMSModel
import Foundation
import Yams

/// The one output choice of every listing command: `-o/--output table|wide|json|yaml|csv` (`--format` is the
/// older spelling and still accepted).
enum ListOutput: String, ExpressibleByArgument, CaseIterable {
    /// Aligned columns fitted to the terminal (nothing cut when piped).
    case table
    /// Every column, nothing dropped or cut.
    case wide
    /// The API's answer as indented JSON.
    case json
    /// The API's answer as YAML.
    case yaml
    /// The table's columns as RFC 4180 CSV, formula-injection safe.
    case csv
}

struct ListOutputOption: ParsableArguments {
    @Option(
        name: [.customShort("o"), .customLong("output"), .customLong("format")],
        help: "Output: table, wide (every column, nothing cut), json, yaml or csv.")
    var output: ListOutput = .table
}

/// A listing as rows, rendered in any ``ListOutput``.
struct Listing<Value: Encodable> {
    /// The API's answer (json and yaml).
    var value: Value
    var table: TextTable
    /// The table of `wide` and `csv` when it has more or longer cells than `table` (whole ids); else `table`.
    var wideTable: TextTable?
    /// The table of `csv` when its rows must differ (each row self-contained); else ``wideTable`` or `table`.
    var csvTable: TextTable?
    /// `key  value` lines before the table (the listing's context), table and wide only.
    var header: String = ""
    /// Lines after the table (counters, paging), table and wide only.
    var footer: String = ""
    /// What an empty table says.
    var empty: String = "nothing matches"
    /// A colour per row (table and wide, on a terminal only).
    var rowColours: [Terminal.Colour?] = []

    func render(_ output: ListOutput) throws(CLIFailure) -> String {
        switch output {
        case .json: return try Output.json(value) + "\n"
        case .yaml: return try Output.yaml(value)
        case .csv:
            let table = csvTable ?? wideTable ?? table
            var text = EventCSV.line(table.headers.map { $0.lowercased() })
            for row in table.rows { text += EventCSV.line(row) }
            return text
        case .table, .wide:
            var table = output == .wide ? wideTable ?? table : table
            if output == .wide {
                table.flexible = []
                table.droppable = []
            }
            var text = table.rows.isEmpty ? empty : table.render(width: output == .wide ? Int.max : TextTable.terminalWidth)
            if Terminal.colour, !rowColours.isEmpty {
                // Painted after rendering: cells are sanitized and measured without escape sequences.
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                for (index, colour) in rowColours.enumerated() where index + 1 < lines.count {
                    if let colour { lines[index + 1] = Terminal.paint(lines[index + 1], colour) }
                }
                text = lines.joined(separator: "\n")
            }
            if !header.isEmpty { text = header + "\n\n" + text }
            if !footer.isEmpty { text += "\n\n" + footer }
            return text + "\n"
        }
    }
}

extension Output {
    /// A DTO as YAML (same keys as the JSON).
    static func yaml(_ value: some Encodable) throws(CLIFailure) -> String {
        do {
            let encoder = YAMLEncoder()
            encoder.options.sortKeys = true
            return try encoder.encode(value)
        } catch {
            throw CLIFailure("cannot encode the answer as YAML: \(error)")
        }
    }

    /// `YYYY-MM-DD HH:MM:SS` in `zone` (the tenant's, or UTC with `--utc`).
    static func time(_ time: Timestamp?, zone: TimeZone) -> String {
        guard let time else { return "-" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let date = Date(timeIntervalSince1970: Double(time.microsecondsSince1970) / 1_000_000)
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)):\(two(c.second))"
    }

    /// A zone's name for headers: `UTC` (Foundation names it GMT on Linux), else its identifier.
    static func zoneName(_ zone: TimeZone) -> String {
        zone.identifier == "GMT" || zone.identifier == "UTC" ? "UTC" : zone.identifier
    }

    /// The zone to show times in: UTC with `--utc` or when the tenant's is unknown, else the tenant's.
    static func zone(tenantZone: String?, utc: Bool) -> TimeZone {
        guard !utc, let name = tenantZone, let zone = TimeZone(identifier: name) else {
            return TimeZone(identifier: "UTC")!
        }
        return zone
    }
}
