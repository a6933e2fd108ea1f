/// One `<rpc-error>` (RFC 6241 §4.3): typed, so callers can branch on `tag` and show every field.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `transport`, `rpc`, `protocol` or `application`.
    public var type: String
    /// e.g. `in-use`, `invalid-value`, `lock-denied`, `data-missing`, `operation-failed`.
    public var tag: String
    /// `error` or `warning`.
    public var severity: String
    public var appTag: String?
    /// XPath of the offending node; its prefixes are declared in `pathNamespaces`.
    public var path: String?
    public var message: String?
    /// Children of `<error-info>` (e.g. `<bad-element>`, `<session-id>`).
    public var info: [XMLElement]
    /// Prefix → URI mappings in scope at `<error-path>`, to resolve the prefixes in `path`.
    public var pathNamespaces: [String: String] = [:]

    public init(
        type: String, tag: String, severity: String = "error", appTag: String? = nil, path: String? = nil,
        message: String? = nil, info: [XMLElement] = []
    ) {
        self.type = type
        self.tag = tag
        self.severity = severity
        self.appTag = appTag
        self.path = path
        self.message = message
        self.info = info
    }

    public static func == (lhs: RPCError, rhs: RPCError) -> Bool {
        lhs.type == rhs.type && lhs.tag == rhs.tag && lhs.severity == rhs.severity && lhs.appTag == rhs.appTag
            && lhs.path == rhs.path && lhs.message == rhs.message && lhs.info == rhs.info
    }

    /// True for `severity` `warning` (the operation may still have succeeded).
    public var isWarning: Bool { severity == "warning" }

    /// Text of an `<error-info>` child, e.g. `infoText("session-id")` for lock-denied.
    public func infoText(_ name: String) -> String? {
        info.first { $0.name == name }?.text.trimmingXMLWhitespace()
    }

    public var description: String {
        var parts = ["rpc-error \(severity) \(type)/\(tag)"]
        if let appTag { parts.append("app-tag \(appTag)") }
        if let path { parts.append("path \(path)") }
        if let message { parts.append("message \"\(message)\"") }
        for item in info { parts.append("\(item.name) \(item.text.isEmpty ? XML.serialize(item) : item.text)") }
        return parts.joined(separator: ", ")
    }

    /// Reads an `<rpc-error>` element. Missing required fields become empty strings.
    public init(element: XMLElement) {
        let ns = NETCONFNamespace.base
        self.init(
            type: element.childText("error-type", namespace: ns) ?? "",
            tag: element.childText("error-tag", namespace: ns) ?? "",
            severity: element.childText("error-severity", namespace: ns) ?? "",
            appTag: element.childText("error-app-tag", namespace: ns),
            path: element.childText("error-path", namespace: ns),
            message: element.child("error-message", namespace: ns)?.text,
            info: element.child("error-info", namespace: ns)?.elements ?? [])
        pathNamespaces = element.child("error-path", namespace: ns)?.namespaceDeclarations ?? [:]
    }

    /// The `<rpc-error>` element, fields in schema order.
    public var element: XMLElement {
        let ns = NETCONFNamespace.base
        var children = [
            XMLElement("error-type", namespace: ns, text: type),
            XMLElement("error-tag", namespace: ns, text: tag),
            XMLElement("error-severity", namespace: ns, text: severity),
        ]
        if let appTag { children.append(XMLElement("error-app-tag", namespace: ns, text: appTag)) }
        if let path {
            var pathElement = XMLElement("error-path", namespace: ns, text: path)
            pathElement.namespaceDeclarations = pathNamespaces
            children.append(pathElement)
        }
        if let message {
            children.append(
                XMLElement(
                    "error-message", namespace: ns,
                    attributes: [XMLAttribute(name: "lang", namespace: xmlNamespace, value: "en")],
                    children: [.text(message)]))
        }
        if !info.isEmpty { children.append(XMLElement("error-info", namespace: ns, elements: info)) }
        return XMLElement("rpc-error", namespace: ns, elements: children)
    }

    private var xmlNamespace: String { "http://www.w3.org/XML/1998/namespace" }

    // MARK: Common errors a server sends (RFC 6241 Appendix A)

    /// The message was not well-formed or not a NETCONF rpc.
    public static func malformedMessage(_ message: String) -> RPCError {
        RPCError(type: "rpc", tag: "malformed-message", message: message)
    }

    /// A required attribute (e.g. `message-id`) is missing.
    public static func missingAttribute(_ attribute: String, element: String, type: String = "rpc") -> RPCError {
        RPCError(
            type: type, tag: "missing-attribute", message: "missing attribute \(attribute) on <\(element)>",
            info: [
                XMLElement("bad-attribute", namespace: NETCONFNamespace.base, text: attribute),
                XMLElement("bad-element", namespace: NETCONFNamespace.base, text: element),
            ])
    }

    /// The operation is not supported by this server.
    public static func operationNotSupported(_ operation: String) -> RPCError {
        RPCError(
            type: "protocol", tag: "operation-not-supported",
            message: "operation \(operation) is not supported")
    }

    /// A lock is held by another session.
    public static func lockDenied(heldBy sessionID: UInt32) -> RPCError {
        RPCError(
            type: "protocol", tag: "lock-denied", message: "lock is already held",
            info: [XMLElement("session-id", namespace: NETCONFNamespace.base, text: String(sessionID))])
    }

    /// An element the server did not expect.
    public static func unknownElement(_ name: String, type: String = "protocol") -> RPCError {
        RPCError(
            type: type, tag: "unknown-element", message: "unknown element <\(name)>",
            info: [XMLElement("bad-element", namespace: NETCONFNamespace.base, text: name)])
    }

    /// A required element is missing.
    public static func missingElement(_ name: String, type: String = "protocol") -> RPCError {
        RPCError(
            type: type, tag: "missing-element", message: "missing element <\(name)>",
            info: [XMLElement("bad-element", namespace: NETCONFNamespace.base, text: name)])
    }
}
