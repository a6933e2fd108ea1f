import NETCONF

/// The nxr notifications (docs/nxr-model.md §6): the content element of a `<notification>`.
public enum NXRNotification: Sendable, Hashable {
    public enum Datastore: String, Sendable, Hashable, CaseIterable { case running, startup }

    /// A datastore changed; `targets` are the top-level containers that changed.
    case configChange(datastore: Datastore, username: String?, sessionID: UInt32?, targets: [String])
    /// A background firmware transfer finished.
    case firmwareTransfer(status: TransferStatus, version: String?, message: String?)

    /// Reads a notification's content element; nil when it is not an nxr notification.
    public static func parse(_ element: XMLElement) throws(NXRModelError) -> NXRNotification? {
        guard element.namespace == NXRNamespace.uri else { return nil }
        let node = Node(element, path: "/nxr:" + element.name)
        switch element.name {
        case "config-change":
            return .configChange(
                datastore: try node.enumeration("datastore") ?? .running, username: node.string("username"),
                sessionID: try node.uint("session-id", 0...UInt32.max),
                targets: element.children("target", namespace: NXRNamespace.uri).map { $0.text.trimmingWhitespace() })
        case "firmware-transfer":
            guard let status: TransferStatus = try node.enumeration("status") else {
                throw node.error("status", "missing; it is mandatory")
            }
            return .firmwareTransfer(
                status: status, version: node.string("version"), message: node.rawString("message"))
        default:
            return nil
        }
    }

    /// The content element (`Reply.notification(eventTime:_:)`).
    public func xml() -> XMLElement {
        switch self {
        case .configChange(let datastore, let username, let sessionID, let targets):
            Build.element(
                "config-change",
                [
                    Build.leaf("datastore", datastore), Build.leaf("username", username),
                    Build.leaf("session-id", sessionID),
                ]
                    + targets.map { Build.leaf("target", $0) })
        case .firmwareTransfer(let status, let version, let message):
            Build.element(
                "firmware-transfer",
                [
                    Build.leaf("status", status), Build.leaf("version", version),
                    Build.leaf("message", message),
                ])
        }
    }
}
