import Yams

/// Small helpers that let Yams decide quoting, so rendered text always reads back as the same value.
enum YAMLText {
    /// `key: value` (possibly several lines) ending in a newline; block style, 2-space indent, no wrapping.
    static func pair(_ key: Node, _ value: Node) -> String {
        let node = Node.mapping(Node.Mapping([(key, value)]))
        let text = (try? Yams.serialize(node: node, indent: 2, width: -1, allowUnicode: true)) ?? ""
        return text.hasSuffix("\n") ? text : text + "\n"
    }

    /// Words YAML 1.1 or 1.2 resolvers read as booleans or null, compared lowercased.
    static let reservedWords: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"]

    /// A fast path for the common case (names like `御茶ノ水`, `NXR-120`, `メモ 1`): letters of any script, digits,
    /// inner spaces and `-_./`, starting with a letter and not a reserved word, always reads back as the same string.
    static func isSafePlain(_ value: String) -> Bool {
        guard let first = value.unicodeScalars.first, first.properties.isAlphabetic,
            value.unicodeScalars.last != " ", !reservedWords.contains(value.lowercased())
        else { return false }
        return value.unicodeScalars.allSatisfy { s in
            s.properties.isAlphabetic || s.properties.numericType != nil || " -_./".unicodeScalars.contains(s)
        }
    }

    /// A string node that is quoted when a plain scalar would read back as something else (`yes`, `123`, `~`).
    static func string(_ value: String) -> Node {
        .scalar(value.represented())
    }

    /// A string as a YAML scalar on one line: plain when that reads back as the same string, else quoted.
    static func scalar(_ value: String) -> String {
        if isSafePlain(value) { return value }
        let line = pair(Node("k"), string(value))
        var body = line.dropFirst(2)  // "k:"
        if body.first == " " { body = body.dropFirst() }
        return String(body.hasSuffix("\n") ? body.dropLast() : body)
    }
}
