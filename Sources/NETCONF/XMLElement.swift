/// An XML element with its namespace resolved: the tree NETCONF messages are built from and parsed into.
///
/// Names are local names (no prefix); `namespace` is the resolved URI. Equality compares the information
/// set — names, namespaces, attributes, children — and ignores `namespaceDeclarations`, which only record
/// how prefixes were spelled (needed to read prefixes inside values: XPath `select`, `error-path`).
public struct XMLElement: Sendable {
    /// Local name, without prefix.
    public var name: String
    /// Namespace URI, resolved from the declarations in scope; nil when the element is in no namespace.
    public var namespace: String?
    public var attributes: [XMLAttribute]
    public var children: [XMLNode]
    /// Prefix → URI mappings for prefixes used inside values. On parse: every `xmlns:p="…"` in scope at this
    /// element (its own and its ancestors'). On serialization: declared where not already in scope, and
    /// reused for namespaced attributes. The default namespace is not listed here.
    public var namespaceDeclarations: [String: String] = [:]

    public init(
        _ name: String, namespace: String? = nil, attributes: [XMLAttribute] = [],
        children: [XMLNode] = []
    ) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
    }

    /// Leaf element holding one text node.
    public init(_ name: String, namespace: String? = nil, attributes: [XMLAttribute] = [], text: String) {
        self.init(name, namespace: namespace, attributes: attributes, children: [.text(text)])
    }

    /// Element with element children only.
    public init(
        _ name: String, namespace: String? = nil, attributes: [XMLAttribute] = [],
        elements: [XMLElement]
    ) {
        self.init(name, namespace: namespace, attributes: attributes, children: elements.map { .element($0) })
    }

    /// Concatenated direct text children.
    public var text: String {
        var result = ""
        for case .text(let string) in children { result += string }
        return result
    }

    /// Direct element children, in order.
    public var elements: [XMLElement] {
        children.compactMap { node in
            if case .element(let element) = node { return element }
            return nil
        }
    }

    /// First direct child element with this local name; a nil namespace matches any namespace.
    public func child(_ name: String, namespace: String? = nil) -> XMLElement? {
        for case .element(let element) in children where element.matches(name, namespace: namespace) {
            return element
        }
        return nil
    }

    /// All direct child elements with this local name; a nil namespace matches any namespace.
    public func children(_ name: String, namespace: String? = nil) -> [XMLElement] {
        elements.filter { $0.matches(name, namespace: namespace) }
    }

    /// Value of the attribute with this local name; a nil namespace matches only unqualified attributes
    /// first, then any namespace.
    public func attribute(_ name: String, namespace: String? = nil) -> String? {
        if let namespace {
            return attributes.first { $0.name == name && $0.namespace == namespace }?.value
        }
        return
            (attributes.first { $0.name == name && $0.namespace == nil }
            ?? attributes.first { $0.name == name })?.value
    }

    /// True when the local name is `name` and, if given, the namespace is `namespace`.
    public func matches(_ name: String, namespace: String? = nil) -> Bool {
        self.name == name && (namespace == nil || self.namespace == namespace)
    }

    /// Text of the first matching child, trimmed of surrounding whitespace.
    public func childText(_ name: String, namespace: String? = nil) -> String? {
        child(name, namespace: namespace)?.text.trimmingXMLWhitespace()
    }
}

extension XMLElement: Equatable {
    public static func == (lhs: XMLElement, rhs: XMLElement) -> Bool {
        lhs.name == rhs.name && lhs.namespace == rhs.namespace && lhs.attributes == rhs.attributes
            && lhs.children == rhs.children
    }
}

extension StringProtocol {
    /// Drops leading and trailing XML whitespace (space, tab, CR, LF) without Foundation.
    func trimmingXMLWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
