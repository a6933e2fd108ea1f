import CMSModel
import MailTransport
import NETCONFClient

/// What ``Daemon`` takes from the world besides its configuration: how sessions are opened, the clock its
/// timers sleep on, the wall clock for event times and the jitter draw. ``live`` in production; tests give an
/// in-memory device connector and a manual clock, so the whole daemon runs without sockets and without
/// waiting for real time.
public struct DaemonEnvironment: Sendable {
    /// nil: NETCONF over SSH on the daemon's own client loop.
    public var connect: DeviceConnector?
    public var clock: any Clock<Duration>
    public var now: @Sendable () -> Timestamp
    /// A draw in 0...1 for backoff jitter.
    public var jitter: @Sendable () -> Double
    /// Firmware engine timing (ticks, polls, RPC timeout); tests shorten it.
    public var firmware = FirmwareEngine.Settings()
    /// nil: libcurl on its own thread (``CurlMailSender``).
    public var mailSender: (any MailSender)?
    /// The clock and wall time the schedulers run on; nil: ``clock`` and ``now``. A test gives the schedulers a
    /// wall clock it steps across a DST change or a month end while devices talk to the daemon in real time.
    public var scheduleTime: ScheduleTimeSource?

    public init(
        connect: DeviceConnector? = nil, clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Timestamp = DeviceContext.wallClock,
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }, mailSender: (any MailSender)? = nil
    ) {
        self.mailSender = mailSender
        self.connect = connect
        self.clock = clock
        self.now = now
        self.jitter = jitter
    }

    /// Real sockets, the continuous clock, the system time, a random jitter.
    public static var live: DaemonEnvironment { DaemonEnvironment() }
}

/// What a tenant's scheduler sleeps on and reads the wall time from (``DaemonEnvironment/scheduleTime``).
public struct ScheduleTimeSource: Sendable {
    public var clock: any Clock<Duration>
    public var now: @Sendable () -> Timestamp

    public init(clock: any Clock<Duration>, now: @escaping @Sendable () -> Timestamp) {
        self.clock = clock
        self.now = now
    }
}
