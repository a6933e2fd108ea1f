import CMSModel
import CMSReconcile
import Foundation
import Logging
import NETCONFClient

/// What every ``DeviceAgent`` of one tenant shares: how to log in, how a session is opened, the clock its
/// timers run on, where events go, and the two callbacks through which the agents talk to the rest of the daemon.
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
    /// Another session changed the device's running configuration (a `config-change` notification): the config
    /// archive reads it again. Called with the device code.
    public var onConfigChanged: @Sendable (String) -> Void = { _ in }
    /// Timing of the lifecycle: reconnect backoff, identification timeout, reboot windows.
    public var policy: LifecyclePolicy
    /// How often a connected device's health and interfaces are read again (SPEC §2, default 300 s).
    public var refreshInterval: Duration
    /// Opens a session (``DeviceConnector/netconf(loop:)`` in production; an in-memory device in tests).
    public var connect: DeviceConnector
    /// The clock every timer of the agents and of their tenant's controller sleeps on (reconnect backoff,
    /// identification timeout, refresh, retry, drift, git poll): a manual clock in tests, so they advance time
    /// instead of sleeping.
    public var clock: any Clock<Duration>
    /// Wall clock for event times (tests may fix it).
    public var now: @Sendable () -> Timestamp
    /// The jitter draw for the backoff, in 0…1 (tests may fix it).
    public var jitter: @Sendable () -> Double
    /// Sees every event the agents recorded, in order, after it was stored (mail alerts watch NETCONF UP/DOWN
    /// here). Must not block.
    public var onEvents: @Sendable ([Event]) -> Void = { _ in }
    /// Where agents post their lifecycle state after every step (the tenant's status reads it); nil: not posted.
    public var stateBoard: DeviceStateBoard?

    public init(
        tenant: String, username: String, authentication: SSHAuthentication,
        loop: NETCONFClientLoop = .shared, timeouts: NETCONFTimeouts = .default, events: any EventStore,
        logger: Logger, onReady: @escaping @Sendable (String) -> Void = { _ in },
        onPin: @escaping @Sendable (String, String?, String?) async -> Void = { _, _, _ in },
        policy: LifecyclePolicy = LifecyclePolicy(), refreshInterval: Duration = .seconds(300),
        now: @escaping @Sendable () -> Timestamp = DeviceContext.wallClock,
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        connect: DeviceConnector? = nil, clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.connect = connect ?? .netconf(loop: loop)
        self.clock = clock
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

/// What a ``DeviceAgent`` asks for when it opens a session: the address, how to log in, and the host-key policy,
/// which must be consulted before any credential or RPC is sent.
public struct DeviceConnectRequest: Sendable {
    public var host: String
    public var port: Int
    public var username: String
    public var authentication: SSHAuthentication
    public var hostKey: HostKeyPolicy
    public var timeouts: NETCONFTimeouts
    public var logger: Logger

    public init(
        host: String, port: Int, username: String, authentication: SSHAuthentication, hostKey: HostKeyPolicy,
        timeouts: NETCONFTimeouts, logger: Logger
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.authentication = authentication
        self.hostKey = hostKey
        self.timeouts = timeouts
        self.logger = logger
    }
}

/// The connect factory of the session port: opens a ``DeviceSession`` or throws (a refused host key throws
/// ``NETCONFClientError`` with code `hostKeyRejected`).
public struct DeviceConnector: Sendable {
    public let open: @Sendable (DeviceConnectRequest) async throws -> any DeviceSession

    public init(_ open: @escaping @Sendable (DeviceConnectRequest) async throws -> any DeviceSession) {
        self.open = open
    }

    /// NETCONF over SSH on `loop` (its own thread; never the Swift pool).
    public static func netconf(loop: NETCONFClientLoop) -> DeviceConnector {
        DeviceConnector { request in
            try await NETCONFSession.connect(
                host: request.host, port: request.port, username: request.username, auth: request.authentication,
                hostKey: request.hostKey, timeouts: request.timeouts, loop: loop, logger: request.logger)
        }
    }
}
