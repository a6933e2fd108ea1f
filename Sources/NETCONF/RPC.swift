/// The client's `<rpc>` envelope (RFC 6241 §4.1).
public enum RPC {
    /// `<rpc message-id="…" xmlns="urn:…base:1.0">operation</rpc>` as bytes (XML declaration, no framing).
    /// `attributes` are extra attributes the server echoes back on `<rpc-reply>`.
    public static func envelope(messageID: String, operation: XMLElement, attributes: [XMLAttribute] = []) -> [UInt8] {
        XML.serializeBytes(
            element(messageID: messageID, operation: operation, attributes: attributes),
            declaration: true)
    }

    /// The `<rpc>` element itself.
    public static func element(messageID: String, operation: XMLElement, attributes: [XMLAttribute] = []) -> XMLElement
    {
        XMLElement(
            "rpc", namespace: NETCONFNamespace.base,
            attributes: [XMLAttribute(name: "message-id", value: messageID)] + attributes,
            elements: [operation])
    }
}
