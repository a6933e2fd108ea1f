import CMSAPI
import CMSModel
import CMSReconcile

/// What a ``DeviceAgent`` knows about its device right now: lifecycle state, where it is, who it
/// said it is, and the health figures read at identification and at every interface refresh.
/// A snapshot; it is never persisted (the pinned key and serial are, through `onPin`).
public struct DeviceRuntimeInfo: Sendable, Hashable {
    /// Device code (cpe-id or 11-digit serial).
    public var code: String
    public var state: DeviceState
    /// The last control address announced by CRP (nil before the first one, and after suspend).
    public var address: ControlAddress?
    /// What identification read; nil until the device was identified (and after suspend).
    public var identity: DeviceIdentity?
    /// The pinned host key fingerprint (`SHA256:…`), nil before first contact.
    public var hostKey: String?
    /// A presented key differed from the pin: no connection until the desired state pins another.
    public var hostKeyBlocked: Bool
    /// NETCONF capabilities of the current session (empty without one).
    public var capabilities: [String]
    public var uptimeSeconds: Int64?
    /// 1, 5 and 15 minute load averages.
    public var loadAverage: [Double]?
    public var memoryUsedKiB: Int64?
    public var memoryTotalKiB: Int64?
    public var interfaces: [DeviceDetail.InterfaceInfo]
    /// When the last CRP announcement for this device was routed to it.
    public var lastAnnouncement: Timestamp?
    /// The source address of that announcement's datagram (differs from `address` behind NAT).
    public var announcedFrom: String?
    /// Failed connection attempts since the last successful identification.
    public var consecutiveFailures: Int
    /// When identification, or the last interface refresh, read the figures above.
    public var lastRefresh: Timestamp?

    public init(
        code: String, state: DeviceState, address: ControlAddress? = nil, identity: DeviceIdentity? = nil,
        hostKey: String? = nil, hostKeyBlocked: Bool = false, capabilities: [String] = [],
        uptimeSeconds: Int64? = nil, loadAverage: [Double]? = nil, memoryUsedKiB: Int64? = nil,
        memoryTotalKiB: Int64? = nil, interfaces: [DeviceDetail.InterfaceInfo] = [],
        lastAnnouncement: Timestamp? = nil, announcedFrom: String? = nil, consecutiveFailures: Int = 0,
        lastRefresh: Timestamp? = nil
    ) {
        self.code = code
        self.state = state
        self.address = address
        self.identity = identity
        self.hostKey = hostKey
        self.hostKeyBlocked = hostKeyBlocked
        self.capabilities = capabilities
        self.uptimeSeconds = uptimeSeconds
        self.loadAverage = loadAverage
        self.memoryUsedKiB = memoryUsedKiB
        self.memoryTotalKiB = memoryTotalKiB
        self.interfaces = interfaces
        self.lastAnnouncement = lastAnnouncement
        self.announcedFrom = announcedFrom
        self.consecutiveFailures = consecutiveFailures
        self.lastRefresh = lastRefresh
    }
}
