import Yams

/// Small helpers that let Yams decide quoting, so rendered text always reads back as the same value.
enum YAMLText {
    /// `key: value` (possibly several lines) ending in a newline; block style, 2-space indent, no wrapping.
    static func pair(_ key: Node, _ value: Node) -> String {
        let node = Node.mapping(Node.Mapping([(key, value)]))
        let text = (try? Yams.serialize(node: node, indent: 2, width: -1, allowUnicode: true)) ?? ""
        return text.hasSuffix("\n") ? text : text + "\n"
    }

    /// A string node that is quoted when a plain scalar would read back as something else (`yes`, `123`, `~`).
    static func string(_ value: String) -> Node {
        .scalar(value.represented())
    }

    /// A string as a YAML scalar on one line: plain when that reads back as the same string, else quoted.
    static func scalar(_ value: String) -> String {
        let line = pair(Node("k"), string(value))
        var body = line.dropFirst(2)  // "k:"
        if body.first == " " { body = body.dropFirst() }
        return String(body.hasSuffix("\n") ? body.dropLast() : body)
    }
}
