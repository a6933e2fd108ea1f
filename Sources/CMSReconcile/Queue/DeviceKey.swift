/// A device across tenants: codes are unique within a tenant only.
public struct DeviceKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var tenant: String
    public var device: String

    public init(tenant: String, device: String) {
        self.tenant = tenant
        self.device = device
    }

    public static func < (lhs: DeviceKey, rhs: DeviceKey) -> Bool {
        (lhs.tenant, lhs.device) < (rhs.tenant, rhs.device)
    }

    public var description: String { "\(tenant)/\(device)" }
}
