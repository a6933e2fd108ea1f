import CMSModel
import CMSReconcile
import Foundation
import Logging
import NETCONFClient

/// What every ``DeviceAgent`` of one tenant shares: how to log in, where events go, and the two
/// callbacks through which the agents talk to the rest of the daemon.
public struct DeviceContext: Sendable {
    /// Tenant code; every event the agents record belongs to it.
    public var tenant: String
    /// SSH user name on the devices.
    public var username: String
    /// The tenant's key (``TenantCredentials``); never logged.
    public var authentication: SSHAuthentication
    /// The event loop that drives the NETCONF sessions (its own thread; never the Swift pool).
    public var loop: NETCONFClientLoop
    public var timeouts: NETCONFTimeouts
    public var events: any EventStore
    public var logger: Logger
    /// The device was identified and is connected: the reconciler enqueues it. Called with the
    /// device code after the pin and serial went through `onPin`.
    public var onReady: @Sendable (String) -> Void
    /// Persist what was learned: (code, pinned host key, registered serial). Called after every
    /// successful identification with both current values (nil = not known).
    public var onPin: @Sendable (String, String?, String?) async -> Void
    /// Timing of the lifecycle: reconnect backoff, identification timeout, reboot windows.
    public var policy: LifecyclePolicy
    /// How often a connected device's health and interfaces are read again (SPEC §2, default 300 s).
    public var refreshInterval: Duration
    /// Wall clock for event times (tests may fix it).
    public var now: @Sendable () -> Timestamp
    /// The jitter draw for the backoff, in 0…1 (tests may fix it).
    public var jitter: @Sendable () -> Double

    public init(
        tenant: String, username: String, authentication: SSHAuthentication,
        loop: NETCONFClientLoop = .shared, timeouts: NETCONFTimeouts = .default, events: any EventStore,
        logger: Logger, onReady: @escaping @Sendable (String) -> Void = { _ in },
        onPin: @escaping @Sendable (String, String?, String?) async -> Void = { _, _, _ in },
        policy: LifecyclePolicy = LifecyclePolicy(), refreshInterval: Duration = .seconds(300),
        now: @escaping @Sendable () -> Timestamp = DeviceContext.wallClock,
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }
    ) {
        self.tenant = tenant
        self.username = username
        self.authentication = authentication
        self.loop = loop
        self.timeouts = timeouts
        self.events = events
        self.logger = logger
        self.onReady = onReady
        self.onPin = onPin
        self.policy = policy
        self.refreshInterval = refreshInterval
        self.now = now
        self.jitter = jitter
    }

    /// The current time from the system clock, as a ``Timestamp``.
    @Sendable public static func wallClock() -> Timestamp {
        Timestamp(microsecondsSince1970: Int64(Date().timeIntervalSince1970 * 1_000_000))
    }
}
