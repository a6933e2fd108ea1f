/// The `<hello>` each side sends first (RFC 6241 §8.1). The server's carries a session-id; the client's none.
public struct Hello: Sendable, Equatable {
    public var capabilities: [String]
    public var sessionID: UInt32?

    public init(capabilities: [String], sessionID: UInt32? = nil) {
        self.capabilities = capabilities
        self.sessionID = sessionID
    }

    /// Parses a hello; the element may be prefixed (`<nc:hello xmlns:nc=…>`, as ncclient sends) — names are
    /// matched by namespace URI and local name. Capabilities are trimmed of surrounding whitespace.
    public static func parse(_ message: [UInt8]) throws -> Hello {
        try parseTyped(message)
    }

    /// `parse` with its error type stated.
    public static func parseTyped(_ message: [UInt8]) throws(MessageError) -> Hello {
        let root = try MessageError.parseXML(message, what: "hello")
        guard root.matches("hello", namespace: NETCONFNamespace.base) else {
            throw MessageError(
                "expected <hello> in \(NETCONFNamespace.base), got <\(root.name)> in "
                    + "\(root.namespace ?? "no namespace")")
        }
        guard let list = root.child("capabilities", namespace: NETCONFNamespace.base) else {
            throw MessageError("<hello> has no <capabilities>")
        }
        let capabilities = list.children("capability", namespace: NETCONFNamespace.base)
            .map { $0.text.trimmingXMLWhitespace() }
            .filter { !$0.isEmpty }
        var sessionID: UInt32?
        if let text = root.childText("session-id", namespace: NETCONFNamespace.base) {
            guard let id = UInt32(text), id > 0 else {
                throw MessageError("<session-id> \"\(text)\" is not a number 1-4294967295")
            }
            sessionID = id
        }
        return Hello(capabilities: capabilities, sessionID: sessionID)
    }

    /// The hello as an XML element.
    public var element: XMLElement {
        var children: [XMLElement] = [
            XMLElement(
                "capabilities", namespace: NETCONFNamespace.base,
                elements: capabilities.map { XMLElement("capability", namespace: NETCONFNamespace.base, text: $0) })
        ]
        if let sessionID {
            children.append(XMLElement("session-id", namespace: NETCONFNamespace.base, text: String(sessionID)))
        }
        return XMLElement("hello", namespace: NETCONFNamespace.base, elements: children)
    }

    /// The hello as message bytes (XML declaration included, no framing).
    public func serialize() -> [UInt8] {
        XML.serializeBytes(element, declaration: true)
    }

    /// True when a capability with this URN is advertised; `?query` parameters on either side are ignored.
    public func has(_ capability: String) -> Bool {
        let wanted = Capability.withoutParameters(capability)
        return capabilities.contains { Capability.withoutParameters($0) == wanted }
    }

    /// The advertised capability with this URN, parameters included (e.g. to read with-defaults' basic-mode).
    public func capability(_ capability: String) -> String? {
        let wanted = Capability.withoutParameters(capability)
        return capabilities.first { Capability.withoutParameters($0) == wanted }
    }
}
