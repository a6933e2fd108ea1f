import NETCONF

/// The generic configuration tree rules of the simulated datastores.
///
/// A datastore is an element named `data` whose children are the top-level configuration nodes.
/// **Key rule**: two sibling elements are "the same node" when they have the same local name, the same namespace
/// and the same key; an element's key is the trimmed text of its first child named `name`, `id` or `ip` (the list
/// keys of the NXR model: interfaces and policies by name, CRP clients by id, addresses by ip), nil when it has
/// none. So `<interface><name>ethernet0</name>…</interface>` entries form a list keyed by name, while `<system>` is
/// a singleton container. An element without element children is a leaf: merging a leaf replaces its text.
public enum ConfigTree {
    /// Child element names that act as list keys, in priority order.
    public static let keyNames = ["name", "id", "ip"]

    /// The key text of a list entry, or nil for a container/leaf.
    public static func key(of element: XMLElement) -> String? {
        for keyName in Self.keyNames {
            if let child = element.elements.first(where: { $0.name == keyName }) {
                return child.text.trimmed
            }
        }
        return nil
    }

    /// Whether `lhs` and `rhs` address the same node among siblings.
    public static func sameNode(_ lhs: XMLElement, _ rhs: XMLElement) -> Bool {
        lhs.name == rhs.name && lhs.namespace == rhs.namespace && Self.key(of: lhs) == Self.key(of: rhs)
    }

    /// An empty datastore root.
    public static func emptyRoot() -> XMLElement {
        XMLElement("data", namespace: NETCONFNamespace.base)
    }

    /// A path like `/system/hostname` or `/interfaces/interface[name='ethernet0']` for error-path.
    static func pathComponent(_ element: XMLElement) -> String {
        if let key = Self.key(of: element),
            let keyName = Self.keyNames.first(where: { name in element.elements.contains { $0.name == name } })
        {
            return "\(element.name)[\(keyName)='\(key)']"
        }
        return element.name
    }

    /// Removes every NETCONF `operation` attribute (and the `xmlns`-free leftovers) from a subtree.
    static func stripOperations(_ element: XMLElement) -> XMLElement {
        var copy = element
        copy.attributes.removeAll { Self.isOperationAttribute($0) }
        copy.children = element.children.map { node in
            if case .element(let child) = node { return .element(Self.stripOperations(child)) }
            return node
        }
        return copy
    }

    static func isOperationAttribute(_ attribute: XMLAttribute) -> Bool {
        attribute.name == "operation" && (attribute.namespace == NETCONFNamespace.base || attribute.namespace == nil)
    }

    /// A canonical form for comparisons: whitespace-only text nodes dropped, leaf text trimmed.
    public static func normalized(_ element: XMLElement) -> XMLElement {
        var copy = element
        if element.elements.isEmpty {
            let text = element.text.trimmed
            copy.children = text.isEmpty ? [] : [.text(text)]
        } else {
            copy.children = element.elements.map { .element(Self.normalized($0)) }
        }
        return copy
    }
}

extension String {
    /// The string without leading and trailing ASCII whitespace.
    var trimmed: String {
        let scalars = self.unicodeScalars
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
            let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[first...last])
    }
}
