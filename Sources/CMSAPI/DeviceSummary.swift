import CMSModel

/// One row of the device list (SPEC §3 columns + the sync status).
public struct DeviceSummary: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    public var product: String
    public var note: String
    public var state: DeviceState
    public var sync: SyncStatus
    /// Known once identified.
    public var firmwareVersion: String?
    public var serial: String?
    public var hostname: String?
    /// `ip:port` from the last CRP announcement.
    public var controlAddress: String?
    public var groups: [String]
    /// While the device is not connected: what it reported when it last was, and when — shown as such, never as
    /// its present firmware or hostname (it may have changed since). Nil while connected, or if never identified.
    public var lastSeen: LastSeen?

    public struct LastSeen: Sendable, Hashable, Codable {
        public var firmwareVersion: String?
        public var hostname: String?
        /// When it was read (nil for records kept by an older `cmsd`).
        public var at: Timestamp?

        public init(firmwareVersion: String?, hostname: String?, at: Timestamp?) {
            self.firmwareVersion = firmwareVersion
            self.hostname = hostname
            self.at = at
        }
    }

    public init(
        code: String, name: String = "", product: String, note: String = "", state: DeviceState,
        sync: SyncStatus, firmwareVersion: String? = nil, serial: String? = nil, hostname: String? = nil,
        controlAddress: String? = nil, groups: [String] = [], lastSeen: LastSeen? = nil
    ) {
        self.code = code
        self.name = name
        self.product = product
        self.note = note
        self.state = state
        self.sync = sync
        self.firmwareVersion = firmwareVersion
        self.serial = serial
        self.hostname = hostname
        self.controlAddress = controlAddress
        self.groups = groups
        self.lastSeen = lastSeen
    }
}
