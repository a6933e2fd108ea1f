/// Answer to `GET /api/v1/tenants`: the tenants the caller's token may see.
public struct TenantList: Sendable, Hashable, Codable {
    public var tenants: [String]
    public init(tenants: [String]) { self.tenants = tenants }
}
