extension XML {
    /// Serializes an element tree.
    ///
    /// Namespaces are written in prefix-free default-namespace style: an element whose namespace differs
    /// from its parent's gets `xmlns="…"` (or `xmlns=""` when it has none). Namespaced attributes get a
    /// prefix declared where first needed (`nc` for the NETCONF base namespace, else the element's own
    /// `namespaceDeclarations`, else `ns1`, `ns2`, …). Text escapes `&`, `<`, `>` (and CR); attribute values
    /// also escape `"`, TAB, LF, CR. Characters XML 1.0 cannot carry (other C0 controls) become U+FFFD.
    /// With `pretty`, elements that hold only elements are indented by two spaces; text is never altered.
    public static func serialize(_ element: XMLElement, pretty: Bool = false, declaration: Bool = false) -> String {
        String(decoding: serializeBytes(element, pretty: pretty, declaration: declaration), as: UTF8.self)
    }

    /// `serialize` as UTF-8 bytes.
    public static func serializeBytes(
        _ element: XMLElement, pretty: Bool = false,
        declaration: Bool = false
    ) -> [UInt8] {
        var writer = XMLWriter(pretty: pretty)
        if declaration {
            writer.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
            if pretty { writer.output.append(UInt8(ascii: "\n")) }
        }
        writer.write(
            element, defaultNamespace: nil, prefixes: ["http://www.w3.org/XML/1998/namespace": "xml"],
            depth: 0)
        if pretty { writer.output.append(UInt8(ascii: "\n")) }
        return writer.output
    }
}

/// Writes UTF-8 straight into a byte buffer; escaping happens while copying, without temporary strings.
private struct XMLWriter {
    let pretty: Bool
    var output: [UInt8] = []

    init(pretty: Bool) {
        self.pretty = pretty
        output.reserveCapacity(4096)
    }

    mutating func append(_ string: String) {
        output.append(contentsOf: string.utf8)
    }

    mutating func write(_ element: XMLElement, defaultNamespace: String?, prefixes: [String: String], depth: Int) {
        var prefixes = prefixes  // namespace URI → prefix in scope
        output.append(UInt8(ascii: "<"))
        append(element.name)
        if element.namespace != defaultNamespace {
            append(" xmlns=\"")
            escape(element.namespace ?? "", attribute: true)
            output.append(UInt8(ascii: "\""))
        }
        if !element.namespaceDeclarations.isEmpty {
            let needed = element.namespaceDeclarations.filter { prefix, uri in
                !prefix.isEmpty && prefix != "xml" && prefix != "xmlns" && prefixes[uri] != prefix
            }
            for (prefix, uri) in needed.sorted(by: { $0.key < $1.key }) {
                declare(prefix, uri)
                for (shadowed, old) in prefixes where old == prefix { prefixes[shadowed] = nil }
                prefixes[uri] = prefix
            }
        }
        var counter = 0
        for attribute in element.attributes {
            var prefix: String?
            if let namespace = attribute.namespace {
                if let known = prefixes[namespace] {
                    prefix = known
                } else {
                    let taken = Set(prefixes.values)
                    var candidate = namespace == NETCONFNamespace.base ? "nc" : ""
                    while candidate.isEmpty || taken.contains(candidate) {
                        counter += 1
                        candidate = "ns\(counter)"
                    }
                    prefix = candidate
                    prefixes[namespace] = candidate
                    declare(candidate, namespace)
                }
            }
            output.append(UInt8(ascii: " "))
            if let prefix {
                append(prefix)
                output.append(UInt8(ascii: ":"))
            }
            append(attribute.name)
            append("=\"")
            escape(attribute.value, attribute: true)
            output.append(UInt8(ascii: "\""))
        }
        if element.children.isEmpty {
            append("/>")
            return
        }
        output.append(UInt8(ascii: ">"))
        let elementOnly = pretty && element.children.allSatisfy { if case .element = $0 { true } else { false } }
        for child in element.children {
            switch child {
            case .element(let inner):
                if elementOnly { newline(depth + 1) }
                write(inner, defaultNamespace: element.namespace, prefixes: prefixes, depth: depth + 1)
            case .text(let text):
                escape(text, attribute: false)
            }
        }
        if elementOnly { newline(depth) }
        append("</")
        append(element.name)
        output.append(UInt8(ascii: ">"))
    }

    private mutating func declare(_ prefix: String, _ uri: String) {
        append(" xmlns:")
        append(prefix)
        append("=\"")
        escape(uri, attribute: true)
        output.append(UInt8(ascii: "\""))
    }

    private mutating func newline(_ depth: Int) {
        output.append(UInt8(ascii: "\n"))
        for _ in 0..<depth { append("  ") }
    }

    /// Appends `string` escaped. Only ASCII bytes are special, so multi-byte UTF-8 sequences pass through;
    /// U+FFFE/U+FFFF (EF BF BE/BF) are not valid XML characters and become U+FFFD like C0 controls.
    mutating func escape(_ string: String, attribute: Bool) {
        var string = string
        string.withUTF8 { bytes in
            var start = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                let replacement: StaticString?
                var width = 1
                switch byte {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "\"") where attribute: replacement = "&quot;"
                case UInt8(ascii: "\r"): replacement = "&#13;"
                case UInt8(ascii: "\n") where attribute: replacement = "&#10;"
                case UInt8(ascii: "\t") where attribute: replacement = "&#9;"
                case UInt8(ascii: "\n"), UInt8(ascii: "\t"): replacement = nil
                case 0..<0x20: replacement = "\u{FFFD}"
                case 0xEF
                where index + 2 < bytes.count && bytes[index + 1] == 0xBF
                    && (bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF):
                    replacement = "\u{FFFD}"
                    width = 3
                default: replacement = nil
                }
                if let replacement {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                    replacement.withUTF8Buffer { output.append(contentsOf: $0) }
                    index += width
                    start = index
                } else {
                    index += 1
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
        }
    }
}
