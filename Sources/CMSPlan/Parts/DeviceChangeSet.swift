import NETCONF

/// Everything one reconcile must change on one device: the parts' changes, in part order.
public struct DeviceChangeSet: Sendable, Equatable {
    public var device: String
    public var changes: [PartChange]

    public init(device: String, changes: [PartChange]) {
        self.device = device
        self.changes = changes
    }

    public var isEmpty: Bool { changes.isEmpty }
    /// The ids of the parts that change.
    public var parts: [String] { changes.map(\.part) }
    /// The `<config>` content of the single `<edit-config>` that applies every change.
    public var edit: [XMLElement] { changes.flatMap(\.edit) }
}
