/// What one bearer token may see: the tenants it grants (empty = every tenant) and a name for logs
/// and events (never the token itself).
public struct TokenGrant: Sendable, Hashable {
    /// Who holds the token, e.g. `ops` or `acme-ci`; recorded as the user of reconciles it asks for.
    public var name: String
    /// Tenant codes this token may read and operate; empty means all tenants.
    public var tenants: Set<String>
    /// A read-only token: every POST (reconcile, refresh, …) is refused with 403.
    public var readOnly: Bool

    public init(name: String, tenants: Set<String> = [], readOnly: Bool = false) {
        self.name = name
        self.tenants = tenants
        self.readOnly = readOnly
    }

    /// Whether the token grants every tenant (operators' tokens; needed for daemon-wide metrics).
    public var grantsAllTenants: Bool { tenants.isEmpty }

    /// Whether the token may see `tenant`.
    public func allows(_ tenant: String) -> Bool { tenants.isEmpty || tenants.contains(tenant) }
}
