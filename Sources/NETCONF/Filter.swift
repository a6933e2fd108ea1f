/// A `<filter>` for get, get-config and create-subscription (RFC 6241 §6, §8.9).
public enum Filter: Sendable, Equatable {
    /// Subtree filter; the element is the filter's content (not the `<filter>` element itself).
    case subtree(XMLElement)
    /// XPath filter (needs `:xpath`); `namespaces` maps the prefixes used in the expression to URIs.
    case xpath(String, namespaces: [String: String])

    /// The `<filter>` element in the given namespace (base for get/get-config, notification for
    /// create-subscription).
    public func element(namespace: String = NETCONFNamespace.base) -> XMLElement {
        switch self {
        case .subtree(let content):
            return XMLElement(
                "filter", namespace: namespace,
                attributes: [XMLAttribute(name: "type", value: "subtree")], elements: [content])
        case .xpath(let select, let namespaces):
            var filter = XMLElement(
                "filter", namespace: namespace,
                attributes: [
                    XMLAttribute(name: "type", value: "xpath"), XMLAttribute(name: "select", value: select),
                ])
            filter.namespaceDeclarations = namespaces
            return filter
        }
    }

    /// Reads a received `<filter>` (server side): `type` defaults to subtree; a subtree filter with several
    /// top-level elements yields the first (use the element's `elements` directly for all of them).
    public init?(element: XMLElement) {
        switch element.attribute("type") ?? "subtree" {
        case "xpath":
            guard let select = element.attribute("select") else { return nil }
            self = .xpath(select, namespaces: element.namespaceDeclarations)
        case "subtree":
            guard let first = element.elements.first else { return nil }
            self = .subtree(first)
        default:
            return nil
        }
    }
}
