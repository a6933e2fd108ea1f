/// Where the API listens and which bearer tokens it accepts.
///
/// `tokens` maps a secret token to what it grants. Tokens are compared in constant time and never
/// logged; only the grant's `name` appears in logs and as the `user` of API-caused events.
public struct APIServerConfiguration: Sendable {
    /// Bind address, e.g. `127.0.0.1` (the default: loopback only) or `::1`.
    public var host: String
    /// TCP port; 0 picks a free one (reported to `onServerRunning`).
    public var port: Int
    /// Secret token → grant. Empty tokens are ignored.
    public var tokens: [String: TokenGrant]
    /// Connection cap and timeouts.
    public var limits: APIConnectionLimits

    public init(
        host: String = "127.0.0.1", port: Int = APIServerConfiguration.defaultPort, tokens: [String: TokenGrant],
        limits: APIConnectionLimits = APIConnectionLimits()
    ) {
        self.host = host
        self.port = port
        self.tokens = tokens
        self.limits = limits
    }

    /// The port `cmsd` listens on unless configured otherwise (and the `cms` CLI's default).
    public static let defaultPort = 8610
}
