/// What identification read from the device over NETCONF (SPEC §2).
public struct DeviceIdentity: Sendable, Hashable, Codable {
    /// The configured `crp cpe-id`, nil when the device has none (matched by serial).
    public var cpeID: String?
    public var serial: String
    /// Product name as the device reports it, e.g. `NXR-230`.
    public var product: String
    public var hostname: String
    public var firmwareVersion: String

    public init(cpeID: String?, serial: String, product: String, hostname: String = "", firmwareVersion: String = "") {
        self.cpeID = cpeID
        self.serial = serial
        self.product = product
        self.hostname = hostname
        self.firmwareVersion = firmwareVersion
    }
}
