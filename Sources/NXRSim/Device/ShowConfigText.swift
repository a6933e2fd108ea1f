import NETCONF

/// Reads back the `show config` text that `SimulatedDevice.showConfig` writes, so a show-config
/// backup restores like the xml and tgz ones.
///
/// The form: `!` comment lines; a leaf is `name value`; a container is `name [key]`, its children
/// indented one space deeper, closed by `exit` at its own indentation. A container's key is its
/// `name` child, unless a child `id` or `ip` leaf holds the same value (ConfigTree's key rule).
/// Every element is in the NXR namespace.
enum ShowConfigText {
    struct Failure: Error, CustomStringConvertible {
        let line: Int
        let message: String
        var description: String { "line \(line): \(message)" }
    }

    static func parse(_ text: String, namespace: String) throws(Failure) -> [XMLElement] {
        var lines: [(number: Int, depth: Int, content: Substring)] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let depth = line.prefix(while: { $0 == " " }).count
            let content = line.dropFirst(depth)
            if content.allSatisfy({ $0 == " " }) || content.hasPrefix("!") { continue }
            if content.hasPrefix("\t") { throw Failure(line: offset + 1, message: "tabs are not indentation here") }
            lines.append((offset + 1, depth, content))
        }
        var index = 0

        func block(depth: Int) throws(Failure) -> [XMLElement] {
            var elements: [XMLElement] = []
            while index < lines.count {
                let line = lines[index]
                if line.depth < depth || (line.depth == depth && line.content == "exit") { return elements }
                guard line.depth == depth else {
                    throw Failure(line: line.number, message: "indented \(line.depth) spaces, expected \(depth)")
                }
                index += 1
                let parts = line.content.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0])
                let rest = parts.count > 1 ? String(parts[1]) : ""
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                    throw Failure(line: line.number, message: "'\(name)' is not a configuration node name")
                }
                let opensBlock =
                    index < lines.count
                    && (lines[index].depth > depth || (lines[index].depth == depth && lines[index].content == "exit"))
                guard opensBlock else {
                    // An empty leaf (`dhcp `) is an empty element, as it was before rendering.
                    elements.append(
                        rest.isEmpty
                            ? XMLElement(name, namespace: namespace) : XMLElement(name, namespace: namespace, text: rest))
                    continue
                }
                var children = try block(depth: depth + 1)
                guard index < lines.count, lines[index].depth == depth, lines[index].content == "exit" else {
                    throw Failure(line: line.number, message: "'\(name)' has no matching 'exit'")
                }
                index += 1
                let keyed = children.contains { ConfigTree.keyNames.contains($0.name) && $0.text == rest }
                if !rest.isEmpty && !keyed {
                    children.insert(XMLElement("name", namespace: namespace, text: rest), at: 0)
                }
                elements.append(XMLElement(name, namespace: namespace, children: children.map { .element($0) }))
            }
            return elements
        }

        let elements = try block(depth: 0)
        if index < lines.count {
            throw Failure(line: lines[index].number, message: "'exit' without an open block")
        }
        return elements
    }
}
