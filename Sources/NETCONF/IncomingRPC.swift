/// An `<rpc>` as a server receives it (RFC 6241 §4.1).
public struct IncomingRPC: Sendable, Equatable {
    /// The `message-id` to echo. Always set on success (a missing one is an error, see `parse`).
    public var messageID: String?
    /// The other attributes of `<rpc>`, which the reply must echo (RFC 6241 §4.2).
    public var attributes: [XMLAttribute]
    /// The single operation element (e.g. `<get-config>`, or a vendor RPC in its own namespace).
    public var operation: XMLElement

    public init(messageID: String?, attributes: [XMLAttribute] = [], operation: XMLElement) {
        self.messageID = messageID
        self.attributes = attributes
        self.operation = operation
    }

    /// Parses a received rpc. Throws an `RPCError` ready to send back with `Reply.errors(messageID:…)`:
    /// `malformed-message` for bad XML or a root other than `<rpc>`; `missing-attribute` (with bad-attribute
    /// `message-id`, bad-element `rpc`) when there is no message-id, as RFC 6241 §4.1 requires;
    /// `missing-element` for no operation; `malformed-message` for more than one.
    public static func parse(_ message: [UInt8]) throws -> IncomingRPC {
        try parseTyped(message)
    }

    /// `parse` with its error type stated.
    public static func parseTyped(_ message: [UInt8]) throws(RPCError) -> IncomingRPC {
        let root: XMLElement
        do {
            root = try XML.parse(message)
        } catch {
            throw RPCError.malformedMessage("message is not well-formed XML: \(error.description)")
        }
        guard root.matches("rpc", namespace: NETCONFNamespace.base) else {
            throw RPCError.malformedMessage(
                "expected <rpc> in \(NETCONFNamespace.base), got <\(root.name)> in "
                    + "\(root.namespace ?? "no namespace")")
        }
        guard let messageID = root.attribute("message-id") else {
            throw RPCError.missingAttribute("message-id", element: "rpc")
        }
        let operations = root.elements
        guard let operation = operations.first else { throw RPCError.missingElement("operation", type: "rpc") }
        guard operations.count == 1 else {
            throw RPCError.malformedMessage("<rpc> holds \(operations.count) operations; exactly one is allowed")
        }
        return IncomingRPC(
            messageID: messageID,
            attributes: root.attributes.filter { !($0.name == "message-id" && $0.namespace == nil) },
            operation: operation)
    }
}
