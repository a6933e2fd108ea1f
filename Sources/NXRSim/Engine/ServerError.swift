import NETCONF

/// RFC 6241 Appendix A `rpc-error`s as the simulated server sends them.
public enum ServerError {
    static func make(
        _ type: String, _ tag: String, message: String?, path: String? = nil, info: [XMLElement] = []
    ) -> RPCError {
        RPCError(
            type: type, tag: tag, severity: "error", appTag: nil, path: path, message: message, info: info)
    }

    static func infoElement(_ name: String, _ text: String) -> XMLElement {
        XMLElement(name, namespace: NETCONFNamespace.base, text: text)
    }

    public static func operationNotSupported(_ operation: String) -> RPCError {
        make(
            "protocol", "operation-not-supported",
            message: "the operation '\(operation)' is not supported by this device")
    }

    public static func missingElement(_ element: String, in parent: String) -> RPCError {
        make(
            "protocol", "missing-element", message: "<\(parent)> needs a <\(element)> element",
            info: [infoElement("bad-element", element)])
    }

    public static func badElement(_ element: String, message: String) -> RPCError {
        make("protocol", "bad-element", message: message, info: [infoElement("bad-element", element)])
    }

    public static func badAttribute(_ attribute: String, element: String, message: String) -> RPCError {
        make(
            "protocol", "bad-attribute", message: message,
            info: [infoElement("bad-attribute", attribute), infoElement("bad-element", element)])
    }

    public static func missingAttribute(_ attribute: String, element: String) -> RPCError {
        make(
            "rpc", "missing-attribute", message: "<\(element)> needs the attribute \(attribute)",
            info: [infoElement("bad-attribute", attribute), infoElement("bad-element", element)])
    }

    public static func invalidValue(_ message: String, path: String? = nil) -> RPCError {
        make("application", "invalid-value", message: message, path: path)
    }

    public static func dataExists(path: String) -> RPCError {
        make("application", "data-exists", message: "\(path) already exists (operation create)", path: path)
    }

    public static func dataMissing(path: String) -> RPCError {
        make("application", "data-missing", message: "\(path) does not exist (operation delete)", path: path)
    }

    public static func lockDenied(holder: UInt32, message: String) -> RPCError {
        make("protocol", "lock-denied", message: message, info: [infoElement("session-id", String(holder))])
    }

    public static func inUse(holder: UInt32, datastore: String) -> RPCError {
        make(
            "protocol", "in-use",
            message: "the \(datastore) datastore is locked by session \(holder)",
            info: [infoElement("session-id", String(holder))])
    }

    public static func operationFailed(_ message: String, type: String = "application") -> RPCError {
        make(type, "operation-failed", message: message)
    }

    public static func malformedMessage(_ message: String) -> RPCError {
        make("rpc", "malformed-message", message: message)
    }

    public static func accessDenied(_ message: String) -> RPCError {
        make("application", "access-denied", message: message)
    }
}
