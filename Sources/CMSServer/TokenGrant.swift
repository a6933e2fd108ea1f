/// What one bearer token may see: the tenants it grants (empty = every tenant) and a name for logs
/// and events (never the token itself).
public struct TokenGrant: Sendable, Hashable {
    /// Who holds the token, e.g. `ops` or `acme-ci`; recorded as the user of reconciles it asks for.
    public var name: String
    /// Tenant codes this token may read and operate; empty means all tenants.
    public var tenants: Set<String>

    public init(name: String, tenants: Set<String> = []) {
        self.name = name
        self.tenants = tenants
    }

    /// Whether the token grants every tenant (operators' tokens; needed for daemon-wide metrics).
    public var grantsAllTenants: Bool { tenants.isEmpty }

    /// Whether the token may see `tenant`.
    public func allows(_ tenant: String) -> Bool { tenants.isEmpty || tenants.contains(tenant) }
}
