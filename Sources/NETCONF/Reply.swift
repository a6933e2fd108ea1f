/// Builders of the server's `<rpc-reply>` and `<notification>` message bytes (XML declaration, no framing).
public enum Reply {
    private static func reply(_ messageID: String?, _ attributes: [XMLAttribute], _ body: [XMLElement]) -> [UInt8] {
        var all: [XMLAttribute] = messageID.map { [XMLAttribute(name: "message-id", value: $0)] } ?? []
        all += attributes.filter { !($0.name == "message-id" && $0.namespace == nil) }
        return XML.serializeBytes(
            XMLElement(
                "rpc-reply", namespace: NETCONFNamespace.base, attributes: all,
                elements: body), declaration: true)
    }

    /// `<rpc-reply …><ok/></rpc-reply>`.
    public static func ok(messageID: String?, attributes: [XMLAttribute] = []) -> [UInt8] {
        reply(messageID, attributes, [XMLElement("ok", namespace: NETCONFNamespace.base)])
    }

    /// `<rpc-reply …><data>…</data></rpc-reply>` with `data` as the children of `<data>`.
    public static func data(messageID: String?, _ data: [XMLElement], attributes: [XMLAttribute] = []) -> [UInt8] {
        reply(messageID, attributes, [XMLElement("data", namespace: NETCONFNamespace.base, elements: data)])
    }

    /// `<rpc-reply>` with arbitrary body elements (vendor RPCs).
    public static func body(messageID: String?, _ elements: [XMLElement], attributes: [XMLAttribute] = []) -> [UInt8] {
        reply(messageID, attributes, elements)
    }

    /// `<rpc-reply>` with one `<rpc-error>` per error.
    public static func errors(messageID: String?, _ errors: [RPCError], attributes: [XMLAttribute] = []) -> [UInt8] {
        reply(messageID, attributes, errors.map(\.element))
    }

    /// RFC 5277 `<notification><eventTime>…</eventTime>content</notification>`.
    public static func notification(eventTime: String, _ content: XMLElement) -> [UInt8] {
        XML.serializeBytes(
            XMLElement(
                "notification", namespace: NETCONFNamespace.notification,
                elements: [
                    XMLElement("eventTime", namespace: NETCONFNamespace.notification, text: eventTime), content,
                ]), declaration: true)
    }
}
