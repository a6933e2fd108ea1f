import CMSModel

/// What the CMS expects of a device when it identifies it: from the desired state (git) plus what
/// was learned and persisted on earlier contacts (pinned host key, registered serial).
public struct DeviceExpectation: Sendable, Hashable, Codable {
    /// Device code (the NXR's cpe-id), or its 11-digit serial number.
    public var code: String
    public var product: Product
    /// Pinned SSH host key fingerprint (`SHA256:…`); nil until first contact pins it.
    public var hostKey: String?
    /// Serial number registered on an earlier identification.
    public var serial: String?

    public init(code: String, product: Product, hostKey: String? = nil, serial: String? = nil) {
        self.code = code
        self.product = product
        self.hostKey = hostKey
        self.serial = serial
    }

    /// Whether the device is matched by serial (an 11-digit code) rather than by cpe-id (SPEC §2).
    public var isSerialCode: Bool { code.count == 11 && code.allSatisfy { $0.isASCII && $0.isNumber } }
}
