/// CSV export of event search results (SPEC §9 "CSV download").
///
/// RFC 4180: a header row, CRLF line ends (also after the last record), a field is quoted when it
/// contains a comma, a double quote, CR or LF, and quotes inside are doubled. Formula-injection
/// safe: a field starting with `=`, `+`, `-`, `@`, TAB or CR gets a leading `'` so spreadsheets
/// show it as text instead of evaluating it. Control characters other than TAB, CR and LF (ESC, C1, bidi overrides:
/// ``ControlCharacters``) are written as visible escapes such as `\x1B`, so an export opened in a terminal or a
/// spreadsheet shows them instead of obeying them; the event log keeps the original. The text is UTF-8; `byteOrderMark` prepends U+FEFF
/// for spreadsheet programs that otherwise guess a legacy encoding.
public enum EventCSV {
    /// The columns, in order.
    public static let header = [
        "id", "time", "tenant", "type", "severity", "device", "group", "user", "revision", "message", "details",
    ]

    /// The whole CSV document for these events.
    public static func render(_ events: [Event], byteOrderMark: Bool = false) -> String {
        var output = byteOrderMark ? "\u{FEFF}" : ""
        output += line(header)
        for event in events {
            output += line(fields(of: event))
        }
        return output
    }

    /// One event's fields, unescaped, in ``header`` order. Details are `key=value` pairs sorted by
    /// key and joined with `; `.
    public static func fields(of event: Event) -> [String] {
        let details = event.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        return [
            event.id.map(String.init) ?? "", event.time.iso8601, event.tenant, event.type.rawValue,
            event.severity.rawValue, event.device ?? "", event.group ?? "", event.user ?? "", event.revision ?? "",
            event.message, details,
        ]
    }

    /// One record: escaped fields joined by commas, ending in CRLF.
    public static func line(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + "\r\n"
    }

    /// A field made formula-safe, then quoted when RFC 4180 requires it.
    public static func escape(_ field: String) -> String {
        // Controls first: `ESC =…` must not hide a formula behind a control the spreadsheet drops.
        var value = ControlCharacters.escaped(field, keeping: ["\t", "\n", "\r"])
        if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            value = "'" + value
        }
        let needsQuotes = value.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        guard needsQuotes else { return value }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            if scalar == "\"" { quoted += "\"\"" } else { quoted.unicodeScalars.append(scalar) }
        }
        return quoted + "\""
    }
}
