/// What an NXR tells the CMS in one CRP datagram: who it is (tenant code + device code and/or
/// serial), what it is (product) and where its SSH/NETCONF service can be reached.
/// The announcement is a hint, never an identity: the pinned SSH host key is (DESIGN §5).
public struct Announcement: Sendable, Hashable {
    /// Where the device's SSH/NETCONF service listens (the NXR's `crp advertise` setting).
    public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
        public var address: IPAddress
        public var port: UInt16

        public init(address: IPAddress, port: UInt16) {
            self.address = address
            self.port = port
        }

        /// `192.0.2.1:22` or `[2001:db8::1]:22`.
        public var description: String {
            address.family == .ipv4 ? "\(address):\(port)" : "[\(address)]:\(port)"
        }
    }

    /// Identifies a device for replay protection: the tenant code plus cpe-id, else serial.
    public struct DeviceKey: Sendable, Hashable, CustomStringConvertible {
        public var customerID: String
        public var device: String

        public init(customerID: String, device: String) {
            self.customerID = customerID
            self.device = device
        }

        public var description: String { "\(customerID)/\(device)" }
    }

    /// Tenant code (`crp customer-id`).
    public var customerID: String
    /// Device code (`crp cpe-id`); nil when the device is registered by serial.
    public var cpeID: String?
    /// 11-digit serial number; nil when not sent.
    public var serial: String?
    /// Product name, e.g. `NXR-120`.
    public var product: String
    /// Advertised control address and port.
    public var advertise: Endpoint
    /// Seconds between keepalive announcements; 0 = announces only at boot.
    public var keepalive: UInt32
    /// Boot counter: incremented (and persisted) by the device at every start.
    public var bootID: UInt32
    /// Announcement counter within one boot; starts at 0, +1 per datagram.
    public var sequence: UInt64

    public init(
        customerID: String, cpeID: String? = nil, serial: String? = nil, product: String,
        advertise: Endpoint, keepalive: UInt32 = 3600, bootID: UInt32, sequence: UInt64
    ) {
        self.customerID = customerID
        self.cpeID = cpeID
        self.serial = serial
        self.product = product
        self.advertise = advertise
        self.keepalive = keepalive
        self.bootID = bootID
        self.sequence = sequence
    }

    /// The replay-guard key; cpe-id wins over serial when both are present.
    public var deviceKey: DeviceKey {
        DeviceKey(customerID: customerID, device: cpeID ?? serial ?? "")
    }

    /// Checks every field rule of docs/crp.md §5 that does not depend on the wire encoding.
    public func validate() throws(CRPError) {
        guard CRPRules.isTenantCode(Array(customerID.utf8)) else { throw .invalidCustomerID }
        if cpeID == nil && serial == nil { throw .missingIdentity }
        if let cpeID, !CRPRules.isDeviceCode(Array(cpeID.utf8)) { throw .invalidCPEID }
        if let serial, !CRPRules.isSerial(Array(serial.utf8)) { throw .invalidSerial }
        guard CRPRules.isProduct(Array(product.utf8)) else { throw .invalidProduct }
        try CRPRules.check(advertise)
        guard keepalive <= CRPWire.maxKeepalive else { throw .invalidKeepalive(keepalive) }
    }
}

/// An announcement as a listener received it.
public struct DecodedAnnouncement: Sendable, Hashable {
    public var announcement: Announcement
    /// True when the tenant has a CRP secret and the HMAC-SHA256 trailer verified with it.
    /// False for unsigned messages and for signed ones whose tenant has no secret.
    public var authenticated: Bool
    /// Types of unknown non-critical TLVs that were skipped, in message order.
    public var skippedTLVTypes: [UInt8]

    public init(announcement: Announcement, authenticated: Bool, skippedTLVTypes: [UInt8] = []) {
        self.announcement = announcement
        self.authenticated = authenticated
        self.skippedTLVTypes = skippedTLVTypes
    }
}
