import CMSModel

/// A write-ahead note that an apply to a device began. Written before the first RPC, removed when
/// the run ends; one still open at startup means the daemon died mid-apply, so the device must be
/// read back (and reconciled) before anything else is trusted about it.
public struct ApplyIntent: Sendable, Hashable, Codable {
    /// Assigned by the store (``StateStore/beginApply(_:)``); nil before.
    public var id: Int64?
    public var tenant: String
    public var device: String
    public var revision: String
    public var started: Timestamp

    public init(id: Int64? = nil, tenant: String, device: String, revision: String, started: Timestamp) {
        self.id = id
        self.tenant = tenant
        self.device = device
        self.revision = revision
        self.started = started
    }

    public var key: DeviceKey { DeviceKey(tenant: tenant, device: device) }
}
