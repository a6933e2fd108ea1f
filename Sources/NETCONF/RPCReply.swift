/// A parsed `<rpc-reply>` (RFC 6241 §4.2).
public struct RPCReply: Sendable, Equatable {
    /// The echoed `message-id`; nil when the server could not read it (e.g. reply to a malformed rpc).
    public var messageID: String?
    /// True when the reply holds `<ok/>`.
    public var ok: Bool
    /// The `<data>` element, if any.
    public var data: XMLElement?
    /// All element children of `<rpc-reply>` (for vendor RPCs that reply with their own elements).
    public var body: [XMLElement]
    /// Every `<rpc-error>`, severity `error` and `warning` alike.
    public var errors: [RPCError]
    /// Other attributes of `<rpc-reply>` (echoed from the `<rpc>`).
    public var attributes: [XMLAttribute]

    public init(
        messageID: String?, ok: Bool = false, data: XMLElement? = nil, body: [XMLElement] = [],
        errors: [RPCError] = [], attributes: [XMLAttribute] = []
    ) {
        self.messageID = messageID
        self.ok = ok
        self.data = data
        self.body = body
        self.errors = errors
        self.attributes = attributes
    }

    /// True when no rpc-error has severity `error`.
    public var succeeded: Bool { !errors.contains { !$0.isWarning } }

    /// Parses a message received after the hello: `<rpc-reply>` → `.reply`, `<notification>` → `.notification`.
    /// Elements are matched by namespace URI and local name, whatever their prefix.
    public static func parse(_ message: [UInt8]) throws -> IncomingMessage {
        try parseTyped(message)
    }

    /// `parse` with its error type stated.
    public static func parseTyped(_ message: [UInt8]) throws(MessageError) -> IncomingMessage {
        let root = try MessageError.parseXML(message, what: "reply")
        if root.matches("rpc-reply", namespace: NETCONFNamespace.base) {
            return .reply(RPCReply(element: root))
        }
        if root.matches("notification", namespace: NETCONFNamespace.notification) {
            guard let eventTime = root.childText("eventTime", namespace: NETCONFNamespace.notification) else {
                throw MessageError("<notification> has no <eventTime>")
            }
            let content = root.elements.filter { !$0.matches("eventTime", namespace: NETCONFNamespace.notification) }
            return .notification(Notification(eventTime: eventTime, content: content))
        }
        throw MessageError(
            "expected <rpc-reply> or <notification>, got <\(root.name)> in "
                + "\(root.namespace ?? "no namespace")")
    }

    /// Reads an `<rpc-reply>` element.
    public init(element: XMLElement) {
        let ns = NETCONFNamespace.base
        self.init(
            messageID: element.attribute("message-id"),
            ok: element.child("ok", namespace: ns) != nil,
            data: element.child("data", namespace: ns),
            body: element.elements,
            errors: element.children("rpc-error", namespace: ns).map(RPCError.init(element:)),
            attributes: element.attributes.filter { !($0.name == "message-id" && $0.namespace == nil) })
    }
}
