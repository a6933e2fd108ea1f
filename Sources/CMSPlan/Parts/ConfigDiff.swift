import NETCONF

/// The tree rules a baseline is compared with: which sibling is "the same node", how leaves compare, and how
/// the differences become a merge edit and readable summary lines.
///
/// **Key rule** (the same as nxr-sim's `ConfigTree`, so plans and the simulator agree): two siblings are the
/// same node when they have the same local name, the same namespace and the same key; an element's key is the
/// trimmed text of its first child named `name`, `id` or `ip`, tried in that order (the list keys of the NXR
/// model: interfaces and policies by name, CRP clients by id, addresses by ip); nil for containers and leaves.
/// An element without element children is a leaf. Leaf text compares with surrounding whitespace trimmed.
enum ConfigDiff {
    /// Child element names that act as list keys, in priority order.
    static let keyNames = ["name", "id", "ip"]
    /// Leaves whose value is never written into summaries or `cms plan --native` text.
    static let secretLeaves: Set<String> = ["secret", "pre-shared-key", "password"]
    /// What a secret value is shown as.
    static let mask = "********"

    /// The list key of an entry: the key leaf's name and trimmed text; nil for containers and leaves.
    static func key(of element: XMLElement) -> (name: String, value: String)? {
        for keyName in keyNames {
            if let child = element.elements.first(where: { $0.name == keyName }) {
                return (keyName, child.text.trimmingXMLSpace())
            }
        }
        return nil
    }

    /// Whether `lhs` and `rhs` address the same node among siblings.
    static func sameNode(_ lhs: XMLElement, _ rhs: XMLElement) -> Bool {
        lhs.name == rhs.name && lhs.namespace == rhs.namespace && key(of: lhs)?.value == key(of: rhs)?.value
    }

    /// `interface[name='ethernet0']` for a list entry, the bare name otherwise.
    static func pathComponent(_ element: XMLElement) -> String {
        if let key = key(of: element) { return "\(element.name)[\(key.name)='\(key.value)']" }
        return element.name
    }

    /// Canonical form: leaf text trimmed, whitespace-only text between elements dropped, prefix spellings
    /// forgotten.
    static func normalized(_ element: XMLElement) -> XMLElement {
        var copy = XMLElement(element.name, namespace: element.namespace, attributes: element.attributes)
        if element.elements.isEmpty {
            let text = element.text.trimmingXMLSpace()
            copy.children = text.isEmpty ? [] : [.text(text)]
        } else {
            copy.children = element.elements.map { .element(normalized($0)) }
        }
        return copy
    }

    /// The merge edit that makes every node of `desired` present in `observed` with the desired leaf values,
    /// appending one summary line per differing leaf. Nodes of `observed` that `desired` does not mention are
    /// never part of the edit.
    static func edit(
        desired: [XMLElement], observed: [XMLElement], path: String, summary: inout [String]
    ) -> [XMLElement] {
        var edits: [XMLElement] = []
        for want in desired {
            let here = join(path, pathComponent(want))
            guard let have = observed.first(where: { sameNode($0, want) }) else {
                added(want, path: here, summary: &summary)
                edits.append(normalized(want))
                continue
            }
            if want.elements.isEmpty {
                let wanted = want.text.trimmingXMLSpace()
                // An empty element asks only for presence (YANG `empty` leaves, `<negotiated/>`); it never
                // empties what the device holds below it.
                if wanted.isEmpty { continue }
                if have.elements.isEmpty && have.text.trimmingXMLSpace() == wanted { continue }
                summary.append("~ \(here): \(oldValue(have)) → \(render(want))")
                edits.append(normalized(want))
                continue
            }
            let inner = edit(desired: want.elements, observed: have.elements, path: here, summary: &summary)
            guard !inner.isEmpty else { continue }
            var shell = XMLElement(want.name, namespace: want.namespace)
            if let key = key(of: want), let keyLeaf = want.elements.first(where: { $0.name == key.name }),
                !inner.contains(where: { $0.name == key.name })
            {
                shell.children.append(.element(normalized(keyLeaf)))
            }
            shell.children += inner.map { XMLNode.element($0) }
            edits.append(shell)
        }
        return edits
    }

    /// Summary lines for a subtree the device does not have at all: one line per leaf (list keys are in the
    /// path already), or one line for the node itself when it holds no other leaf.
    static func added(_ element: XMLElement, path: String, summary: inout [String]) {
        if element.elements.isEmpty {
            let text = element.text.trimmingXMLSpace()
            summary.append(text.isEmpty ? "+ \(path)" : "+ \(path): \(render(element))")
            return
        }
        let keyName = key(of: element)?.name
        let children = element.elements.filter { $0.name != keyName }
        if children.isEmpty {
            summary.append("+ \(path)")
            return
        }
        for child in children {
            added(child, path: join(path, pathComponent(child)), summary: &summary)
        }
    }

    /// A leaf's value for a summary line: numbers and booleans bare, other text quoted, secrets masked.
    static func render(_ leaf: XMLElement) -> String {
        if secretLeaves.contains(leaf.name) { return mask }
        let text = leaf.text.trimmingXMLSpace()
        if text == "true" || text == "false" || isNumber(text) { return text }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }

    /// The device's side of a `~` line: its leaf value, or a note when it holds a subtree there.
    static func oldValue(_ observed: XMLElement) -> String {
        observed.elements.isEmpty ? render(observed) : "(subtree)"
    }

    /// The tree with every secret leaf's text replaced by ``mask``.
    static func masked(_ element: XMLElement) -> XMLElement {
        var copy = element
        if element.elements.isEmpty {
            if secretLeaves.contains(element.name), !element.text.isEmpty { copy.children = [.text(mask)] }
            return copy
        }
        copy.children = element.children.map { node in
            if case .element(let child) = node { return .element(masked(child)) }
            return node
        }
        return copy
    }

    private static func isNumber(_ text: String) -> Bool {
        var digits = text.unicodeScalars[...]
        if digits.first == "-" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 20 else { return false }
        var dots = 0
        for scalar in digits {
            if scalar == "." {
                dots += 1
            } else if scalar < "0" || scalar > "9" {
                return false
            }
        }
        return dots == 0 || (dots == 1 && digits.first != "." && digits.last != ".")
    }

    private static func join(_ path: String, _ component: String) -> String {
        path.isEmpty ? component : path + "/" + component
    }
}

extension String {
    /// Without leading and trailing XML whitespace (space, tab, CR, LF).
    func trimmingXMLSpace() -> String {
        let scalars = unicodeScalars
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
            let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[first...last])
    }
}
