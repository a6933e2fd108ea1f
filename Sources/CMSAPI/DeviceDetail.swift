import CMSModel

/// Everything about one device (`cms device show CODE`).
public struct DeviceDetail: Sendable, Hashable, Codable {
    /// One interface as last read from the device.
    public struct InterfaceInfo: Sendable, Hashable, Codable {
        public var name: String
        public var operStatus: String
        public var addresses: [String]
        public init(name: String, operStatus: String, addresses: [String]) {
            self.name = name
            self.operStatus = operStatus
            self.addresses = addresses
        }
    }

    public var summary: DeviceSummary
    public var condition: SyncCondition
    public var lastAppliedRevision: String?
    public var lastAttemptedRevision: String?
    public var lastError: String?
    public var nextRetry: Timestamp?
    /// Pinned SSH host key fingerprint (`SHA256:…`), nil before first contact.
    public var hostKey: String?
    public var hostKeyBlocked: Bool
    public var uptimeSeconds: Int64?
    public var loadAverage: [Double]?
    public var memoryUsedKiB: Int64?
    public var memoryTotalKiB: Int64?
    public var interfaces: [InterfaceInfo]
    /// Managed parts of this device and whether each is in sync (`baseline`, `ipsec`).
    public var managedParts: [String: Bool]
    /// The newest runs first, at most 20.
    public var history: [ReconcileRecord]

    public init(
        summary: DeviceSummary, condition: SyncCondition, lastAppliedRevision: String? = nil,
        lastAttemptedRevision: String? = nil, lastError: String? = nil, nextRetry: Timestamp? = nil,
        hostKey: String? = nil, hostKeyBlocked: Bool = false, uptimeSeconds: Int64? = nil,
        loadAverage: [Double]? = nil, memoryUsedKiB: Int64? = nil, memoryTotalKiB: Int64? = nil,
        interfaces: [InterfaceInfo] = [], managedParts: [String: Bool] = [:], history: [ReconcileRecord] = []
    ) {
        self.summary = summary
        self.condition = condition
        self.lastAppliedRevision = lastAppliedRevision
        self.lastAttemptedRevision = lastAttemptedRevision
        self.lastError = lastError
        self.nextRetry = nextRetry
        self.hostKey = hostKey
        self.hostKeyBlocked = hostKeyBlocked
        self.uptimeSeconds = uptimeSeconds
        self.loadAverage = loadAverage
        self.memoryUsedKiB = memoryUsedKiB
        self.memoryTotalKiB = memoryTotalKiB
        self.interfaces = interfaces
        self.managedParts = managedParts
        self.history = history
    }
}
