/// Who a simulated device is: what it announces and what `<get>` reports.
public struct DeviceIdentity: Sendable, Equatable, Codable {
    /// The NXR's `crp cpe-id` (device code), or nil when it is identified by serial only.
    public var deviceCode: String?
    /// The tenant code it announces as CRP customer-id.
    public var tenant: String
    /// NXR-120, NXR-125, NXR-130, NXR-155, NXR-230, NXR-350 or NXR-1200.
    public var product: String
    /// The 11-digit serial number.
    public var serial: String
    public var hostname: String
    public var firmwareVersion: String

    public init(
        deviceCode: String?, tenant: String, product: String, serial: String, hostname: String,
        firmwareVersion: String
    ) {
        self.deviceCode = deviceCode
        self.tenant = tenant
        self.product = product
        self.serial = serial
        self.hostname = hostname
        self.firmwareVersion = firmwareVersion
    }

    /// The products the simulator knows, and whether each supports background / no-reboot firmware updates.
    public static let products: [String: Bool] = [
        "NXR-120": false, "NXR-125": true, "NXR-130": false, "NXR-155": true, "NXR-230": true, "NXR-350": true,
        "NXR-1200": true,
    ]

    /// A stable 11-digit serial derived from a name (FNV-1a), so a restarted fleet keeps its serials.
    public static func serial(for name: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let number = hash % 100_000_000_000
        let digits = String(number)
        return String(repeating: "0", count: 11 - digits.count) + digits
    }
}
