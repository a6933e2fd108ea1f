import ArgumentParser
import CMSModel
import Foundation

/// `--format` of list commands.
enum ListFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// `-o/--output` of single-object commands.
enum ObjectFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, yaml
}

/// `--format` of `cms plan` and `cms status`.
enum TextFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Output helpers shared by the API commands.
enum Output {
    /// A DTO as indented JSON with sorted keys (timestamps stay microseconds since 1970, as the API sends).
    static func json(_ value: some Encodable) throws(CLIFailure) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw CLIFailure("cannot encode the answer as JSON: \(error)")
        }
    }

    /// `YYYY-MM-DD HH:MM:SS` in UTC, for tables.
    static func time(_ time: Timestamp?) -> String {
        guard let time else { return "-" }
        let iso = time.iso8601
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(8))
    }

    /// `key  value` lines with the keys aligned; control characters in values made visible.
    static func keyValues(_ pairs: [(String, String)]) -> String {
        let width = pairs.map { TextTable.displayWidth($0.0) }.max() ?? 0
        return pairs.map { key, value in
            key + String(repeating: " ", count: width - TextTable.displayWidth(key) + 2) + TextTable.sanitize(value)
        }.joined(separator: "\n")
    }

    /// Writes text to standard output as is (CSV keeps its CRLF line ends).
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
