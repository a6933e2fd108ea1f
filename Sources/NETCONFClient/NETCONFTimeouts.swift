/// Time limits of one NETCONF session. All are enforced by the event loop's timer list.
public struct NETCONFTimeouts: Sendable, Equatable {
    /// TCP connect + SSH handshake + host-key check + authentication + channel and subsystem setup.
    public var connect: Duration
    /// From the subsystem start until the server's `<hello>` has arrived.
    public var hello: Duration
    /// Default time to wait for each RPC reply (each call may override it).
    public var rpc: Duration
    /// Interval of SSH keepalives while the session is idle; `nil` disables them.
    public var keepalive: Duration?
    /// How long a graceful close (`<close-session>`, channel close, disconnect) may take before the
    /// socket is simply dropped.
    public var close: Duration

    public init(
        connect: Duration = .seconds(15), hello: Duration = .seconds(15), rpc: Duration = .seconds(120),
        keepalive: Duration? = .seconds(30), close: Duration = .seconds(5)
    ) {
        self.connect = connect
        self.hello = hello
        self.rpc = rpc
        self.keepalive = keepalive
        self.close = close
    }

    public static let `default` = NETCONFTimeouts()
}

extension Duration {
    /// Whole nanoseconds, saturating; negative durations count as zero.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        let (product, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return UInt64.max / 2 }
        return product + UInt64(max(attoseconds, 0) / 1_000_000_000)
    }
}
