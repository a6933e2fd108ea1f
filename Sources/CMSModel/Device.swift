/// A managed router (SPEC §2, §4, §5, §6).
public struct Device: Sendable, Equatable, Hashable, Codable {
    /// Device code (= the NXR's `crp cpe-id`), or its 11-digit serial number.
    public var code: String
    public var name: String
    public var product: Product
    public var note: String
    /// No connection is made and CRP is ignored.
    public var suspended: Bool
    /// Pinned SSH host key fingerprint (`SHA256:…`); pinned on first contact when absent.
    public var hostKey: String?
    /// The IKE ID declared in the repository, if any; see ``effectiveIKEID``.
    public var ikeID: IKEID?
    public var firmware: FirmwareTarget?
    public var configs: [ConfigFileRef]

    public init(
        code: String, name: String = "", product: Product, note: String = "", suspended: Bool = false,
        hostKey: String? = nil, ikeID: IKEID? = nil, firmware: FirmwareTarget? = nil, configs: [ConfigFileRef] = []
    ) {
        self.code = code
        self.name = name
        self.product = product
        self.note = note
        self.suspended = suspended
        self.hostKey = hostKey
        self.ikeID = ikeID
        self.firmware = firmware
        self.configs = configs
    }

    /// The declared IKE ID or the default `id-<code>` with `_` → `-x`.
    public var effectiveIKEID: IKEID { ikeID ?? .default(forDeviceCode: code) }

    /// Whether the code is an 11-digit serial number rather than a cpe-id.
    public var isSerialCode: Bool { code.count == 11 && code.allSatisfy { $0.isASCII && $0.isNumber } }
}
