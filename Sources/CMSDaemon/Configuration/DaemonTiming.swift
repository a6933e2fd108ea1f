import CMSModel
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
    /// Time an API connection has to send its request head after accept (slow or half-sent requests are closed).
    public var apiHeaderTimeout: Duration
    /// Time an API connection may stay idle between requests (or with a stalled body) before it is closed.
    public var apiIdleTimeout: Duration
    /// Longest wait of a disruptive operation (firmware update, restore, reboot…) for its turn on the work queue;
    /// past it the operation is cancelled with `device.request.wait-timed-out` (the original's 機器処理待ちタイムアウト).
    public var requestWait: Duration

    public init(
        retryBase: Duration = .seconds(2), retryCap: Duration = .seconds(300), confirmTimeout: Duration = .seconds(60),
        connectTimeout: Duration = .seconds(15), rpcTimeout: Duration = .seconds(60),
        apiHeaderTimeout: Duration = .seconds(10), apiIdleTimeout: Duration = .seconds(60),
        requestWait: Duration = .seconds(3600)
    ) {
        self.requestWait = requestWait
        self.apiHeaderTimeout = apiHeaderTimeout
        self.apiIdleTimeout = apiIdleTimeout
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
    /// Open API connections at most (further capped by the file-descriptor budget, ``FileDescriptorBudget``).
    public var apiConnections: Int
    /// Caps on what one revision of a tenant repository may make `cmsd` read, parse and hold (`limits.input`).
    public var input: InputLimits

    public init(
        maxDevices: Int = 10_000, concurrency: Int = 256, apiConnections: Int = 256, input: InputLimits = .default
    ) {
        self.maxDevices = maxDevices
        self.concurrency = concurrency
        self.apiConnections = apiConnections
        self.input = input
    }
}
