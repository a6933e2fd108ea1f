/// The timing knobs of ``DeviceLifecycle``; defaults follow SPEC §12 with a safety margin.
public struct LifecyclePolicy: Sendable, Hashable, Codable {
    /// Reconnect backoff (750 ms doubling up to 15 min, ±20 % jitter).
    public var backoff: Backoff
    /// How long connecting plus reading the identity may take.
    public var identificationTimeout: Duration
    /// How long a device may stay away after a reboot (plain reboot).
    public var rebootWindow: Duration
    /// After a firmware update (the guide says ~10 min).
    public var firmwareUpdateWindow: Duration
    /// After a config restore or an auto-config (the guide says ~5 min).
    public var configRestoreWindow: Duration

    public init(
        backoff: Backoff = Backoff(), identificationTimeout: Duration = .seconds(60),
        rebootWindow: Duration = .seconds(5 * 60), firmwareUpdateWindow: Duration = .seconds(15 * 60),
        configRestoreWindow: Duration = .seconds(8 * 60)
    ) {
        self.backoff = backoff
        self.identificationTimeout = identificationTimeout
        self.rebootWindow = rebootWindow
        self.firmwareUpdateWindow = firmwareUpdateWindow
        self.configRestoreWindow = configRestoreWindow
    }

    /// The expected absence for a kind of reboot.
    public func window(for kind: RebootKind) -> Duration {
        switch kind {
        case .reboot: rebootWindow
        case .firmwareUpdate: firmwareUpdateWindow
        case .configRestore, .autoConfig: configRestoreWindow
        }
    }
}
