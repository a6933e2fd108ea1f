/// The daemon's timers and timeouts. Defaults suit production; tests shorten them through `cmsd.yaml`.
public struct DaemonTiming: Sendable, Hashable {
    /// First retry delay after a transient reconcile error; doubles up to ``retryCap``.
    public var retryBase: Duration
    public var retryCap: Duration
    /// `commit confirmed` timeout: the device reverts unless confirmed within it.
    public var confirmTimeout: Duration
    /// NETCONF connect (TCP + SSH + hello) and per-RPC timeouts.
    public var connectTimeout: Duration
    public var rpcTimeout: Duration

    public init(
        retryBase: Duration = .seconds(2), retryCap: Duration = .seconds(300), confirmTimeout: Duration = .seconds(60),
        connectTimeout: Duration = .seconds(15), rpcTimeout: Duration = .seconds(60)
    ) {
        self.retryBase = retryBase
        self.retryCap = retryCap
        self.confirmTimeout = confirmTimeout
        self.connectTimeout = connectTimeout
        self.rpcTimeout = rpcTimeout
    }
}

/// Server-wide caps.
public struct DaemonLimits: Sendable, Hashable {
    /// The most devices this server manages over all tenants; devices beyond it are refused with an event.
    public var maxDevices: Int
    /// Reconcile runs at once over all tenants (each tenant is further capped by its `rollout.maxConcurrent`).
    public var concurrency: Int

    public init(maxDevices: Int = 10_000, concurrency: Int = 256) {
        self.maxDevices = maxDevices
        self.concurrency = concurrency
    }
}
