/// Who is logged in to the dashboard: what their API token grants (CMSServer maps its `TokenGrant` to this).
public struct DashboardUser: Sendable, Hashable {
    /// The token's name — the user of the events the dashboard records; never the token itself.
    public var name: String
    /// Tenants the token grants; empty = every tenant.
    public var tenants: Set<String>
    /// A read-only token sees every page but may not reconcile or refresh.
    public var readOnly: Bool

    public init(name: String, tenants: Set<String> = [], readOnly: Bool = false) {
        self.name = name
        self.tenants = tenants
        self.readOnly = readOnly
    }

    public func allows(_ tenant: String) -> Bool { tenants.isEmpty || tenants.contains(tenant) }
}

/// How the dashboard is set up by `cmsd`.
public struct DashboardConfiguration: Sendable {
    /// Sets `Secure` on the session cookie for every request (a TLS listener, or a proxy that says nothing); without
    /// it, a request forwarded by a TLS-terminating proxy (`X-Forwarded-Proto: https`) still gets `Secure`.
    public var secureCookie: Bool
    /// A session unused this long is ended (`user.idle-logout`).
    public var idleTimeout: Duration
    /// How often the live feed (Server-Sent Events) looks for news.
    public var livePollInterval: Duration

    public init(secureCookie: Bool = false, idleTimeout: Duration = .seconds(30 * 60),
                livePollInterval: Duration = .milliseconds(400)) {
        self.secureCookie = secureCookie
        self.idleTimeout = idleTimeout
        self.livePollInterval = livePollInterval
    }
}
