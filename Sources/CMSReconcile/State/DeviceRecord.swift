import CMSModel

/// What the daemon keeps about one device across restarts: the pins it learned and its sync state.
public struct DeviceRecord: Sendable, Hashable, Codable {
    public var tenant: String
    public var code: String
    /// The pinned SSH host key fingerprint (learned on first contact), nil before.
    public var hostKey: String?
    /// The serial number read at identification.
    public var serial: String?
    public var sync: DeviceSyncState
    /// The last identity read from the device.
    public var identity: DeviceIdentity?
    /// The last control address announced by CRP (`host:port`).
    public var lastAddress: String?
    /// When ``identity`` was last read from the device (nil: never; records written before this field existed).
    public var lastSeen: Timestamp?

    public init(
        tenant: String, code: String, hostKey: String? = nil, serial: String? = nil, sync: DeviceSyncState,
        identity: DeviceIdentity? = nil, lastAddress: String? = nil, lastSeen: Timestamp? = nil
    ) {
        self.tenant = tenant
        self.code = code
        self.hostKey = hostKey
        self.serial = serial
        self.sync = sync
        self.identity = identity
        self.lastAddress = lastAddress
        self.lastSeen = lastSeen
    }

    public var key: DeviceKey { DeviceKey(tenant: tenant, device: code) }
}
