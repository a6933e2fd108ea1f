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
        var writer = XMLWriter(pretty: pretty)
        if declaration {
            writer.output += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            if pretty { writer.output += "\n" }
        }
        writer.write(element, defaultNamespace: nil, prefixes: ["http://www.w3.org/XML/1998/namespace": "xml"],
                     depth: 0)
        if pretty { writer.output += "\n" }
        return writer.output
    }

    /// `serialize` as UTF-8 bytes.
    public static func serializeBytes(_ element: XMLElement, pretty: Bool = false,
                                      declaration: Bool = false) -> [UInt8] {
        Array(serialize(element, pretty: pretty, declaration: declaration).utf8)
    }
}

private struct XMLWriter {
    let pretty: Bool
    var output = ""

    init(pretty: Bool) {
        self.pretty = pretty
        output.reserveCapacity(1024)
    }

    mutating func write(_ element: XMLElement, defaultNamespace: String?, prefixes: [String: String], depth: Int) {
        var prefixes = prefixes  // namespace URI → prefix in scope
        output += "<"
        output += element.name
        if element.namespace != defaultNamespace {
            output += " xmlns=\""
            output += Self.escape(element.namespace ?? "", attribute: true)
            output += "\""
        }
        let usedPrefixes = Set(prefixes.values)
        for (prefix, uri) in element.namespaceDeclarations.sorted(by: { $0.key < $1.key })
        where !prefix.isEmpty && prefix != "xml" && prefix != "xmlns" {
            if prefixes[uri] == prefix { continue }
            output += " xmlns:\(prefix)=\"\(Self.escape(uri, attribute: true))\""
            for (shadowed, old) in prefixes where old == prefix { prefixes[shadowed] = nil }
            prefixes[uri] = prefix
        }
        var counter = 0
        for attribute in element.attributes {
            output += " "
            if let namespace = attribute.namespace {
                let prefix: String
                if let known = prefixes[namespace] {
                    prefix = known
                } else {
                    var candidate = namespace == NETCONFNamespace.base ? "nc" : ""
                    let taken = usedPrefixes.union(prefixes.values)
                    while candidate.isEmpty || taken.contains(candidate) {
                        counter += 1
                        candidate = "ns\(counter)"
                    }
                    prefix = candidate
                    prefixes[namespace] = prefix
                    output += "xmlns:\(prefix)=\"\(Self.escape(namespace, attribute: true))\" "
                }
                output += prefix
                output += ":"
            }
            output += attribute.name
            output += "=\""
            output += Self.escape(attribute.value, attribute: true)
            output += "\""
        }
        if element.children.isEmpty {
            output += "/>"
            return
        }
        output += ">"
        let elementOnly = pretty && element.children.allSatisfy { if case .element = $0 { true } else { false } }
        for child in element.children {
            switch child {
            case .element(let inner):
                if elementOnly { newline(depth + 1) }
                write(inner, defaultNamespace: element.namespace, prefixes: prefixes, depth: depth + 1)
            case .text(let text):
                output += Self.escape(text, attribute: false)
            }
        }
        if elementOnly { newline(depth) }
        output += "</"
        output += element.name
        output += ">"
    }

    private mutating func newline(_ depth: Int) {
        output += "\n"
        output += String(repeating: "  ", count: depth)
    }

    static func escape(_ string: String, attribute: Bool) -> String {
        var needs = false
        for byte in string.utf8 where byte < 0x20 || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<")
            || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\"") {
            needs = true
            break
        }
        guard needs else { return string }
        var result = ""
        result.reserveCapacity(string.utf8.count + 16)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"" where attribute: result += "&quot;"
            case "\r": result += "&#13;"
            case "\n" where attribute: result += "&#10;"
            case "\t" where attribute: result += "&#9;"
            case "\n", "\t": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    result += "\u{FFFD}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
