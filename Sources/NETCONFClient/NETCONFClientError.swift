/// An error of the NETCONF-over-SSH transport: it names the device (`host:port`), a stable code and what
/// went wrong in words an operator can act on. `rpc-error` replies are not this type: they throw
/// `RPCError` from the `NETCONF` module.
public struct NETCONFClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable, machine-readable cause. The raw values are part of the API (logs, events, metrics).
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// The host is not an IPv4/IPv6 literal (name resolution is the caller's job).
        case invalidAddress = "invalid-address"
        /// The TCP connection was refused or failed.
        case connectFailed = "connect-failed"
        /// TCP connect, SSH handshake, authentication and channel setup did not finish in time.
        case connectTimeout = "connect-timeout"
        /// The SSH key exchange failed (e.g. no common algorithm).
        case sshHandshakeFailed = "ssh-handshake-failed"
        /// The host-key policy rejected the server's key; nothing was sent after the key exchange.
        case hostKeyRejected = "host-key-rejected"
        /// The private key could not be used (bad format, wrong passphrase).
        case invalidKey = "invalid-key"
        /// The server does not offer the authentication method we were given.
        case authMethodNotOffered = "auth-method-not-offered"
        /// The server refused the credentials.
        case authenticationFailed = "authentication-failed"
        /// The SSH channel could not be opened or the `netconf` subsystem was refused.
        case channelFailed = "channel-failed"
        /// The server's `<hello>` did not arrive in time.
        case helloTimeout = "hello-timeout"
        /// The server's `<hello>` was malformed or shares no base version with us.
        case helloInvalid = "hello-invalid"
        /// No reply to an RPC in time (the session stays open; a late reply is dropped).
        case rpcTimeout = "rpc-timeout"
        /// The session is closed or died; every pending RPC fails with this.
        case sessionClosed = "session-closed"
        /// The peer sent bytes that break RFC 6242 framing or RFC 6241 messages.
        case protocolViolation = "protocol-violation"
        /// The event loop was shut down.
        case loopShutDown = "loop-shut-down"
        /// The awaiting task was cancelled.
        case cancelled = "cancelled"
    }

    public var code: Code
    /// The device address as given to `connect`.
    public var host: String
    public var port: Int
    /// What happened and, where possible, what to do about it. Never contains secrets.
    public var message: String

    public init(_ code: Code, host: String, port: Int, message: String) {
        self.code = code
        self.host = host
        self.port = port
        self.message = message
    }

    public var description: String {
        "netconf \(Self.endpoint(host, port)): \(code.rawValue): \(message)"
    }

    static func endpoint(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
