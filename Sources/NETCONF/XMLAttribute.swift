/// One attribute of an element: local name, resolved namespace URI (nil for unprefixed attributes), value.
///
/// Namespace declarations (`xmlns`, `xmlns:p`) are not attributes here; see `XMLElement.namespaceDeclarations`.
public struct XMLAttribute: Sendable, Equatable {
    public var name: String
    public var namespace: String?
    public var value: String

    public init(name: String, namespace: String? = nil, value: String) {
        self.name = name
        self.namespace = namespace
        self.value = value
    }
}
