/// The tenant document: identity and settings common to all of a tenant's devices (SPEC §1, §6).
public struct Tenant: Sendable, Equatable, Hashable, Codable {
    /// What the reconciler does when a device drifts from the desired state.
    public enum DriftPolicy: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
        case correct
        case reportOnly = "report-only"
    }

    /// The staged-rollout settings of disruptive operations.
    public struct Rollout: Sendable, Equatable, Hashable, Codable {
        /// Disruptive operations (firmware, restore, reboot) at once.
        public var maxConcurrent: Int
        /// Firmware rollouts: the first N devices go alone, then must stay healthy for `soakSeconds`.
        public var canary: Int
        public var soakSeconds: Int
        /// Devices per batch after the canary (count or % of the rollout's devices).
        public var batchSize: Amount
        /// Failures (count or % of the rollout's devices) after which the rollout stops: nothing new starts.
        public var maxFailures: Amount
        /// Wait between batches.
        public var pauseSeconds: Int
        /// Names of tenant windows; empty = any time.
        public var windows: [String]
        /// Extra attempts after a failed transfer (the device was not rebooted).
        public var transferRetries: Int
        /// How long a device may take to come back on the new version after the update started.
        public var rebootDeadlineSeconds: Int

        public init(
            maxConcurrent: Int = 40, canary: Int = 0, soakSeconds: Int = 0, batchSize: Amount = .percent(100),
            maxFailures: Amount = .count(1), pauseSeconds: Int = 0, windows: [String] = [], transferRetries: Int = 1,
            rebootDeadlineSeconds: Int = 900
        ) {
            self.maxConcurrent = maxConcurrent
            self.canary = canary
            self.soakSeconds = soakSeconds
            self.batchSize = batchSize
            self.maxFailures = maxFailures
            self.pauseSeconds = pauseSeconds
            self.windows = windows
            self.transferRetries = transferRetries
            self.rebootDeadlineSeconds = rebootDeadlineSeconds
        }
    }

    /// Tenant code = the CRP customer-id.
    public var code: String
    public var name: String
    /// IANA time zone of the tenant's schedules.
    public var timeZone: String
    public var drift: DriftPolicy
    /// When set, unsigned CRP announcements are dropped.
    public var crpSecret: SecretRef?
    public var ike: IKESettings
    public var rollout: Rollout
    /// Maintenance windows (shared by firmware rollouts and schedules).
    public var windows: [MaintenanceWindow]
    /// Scheduler settings: grace period, maintenance windows.
    public var schedules: ScheduleSettings

    public init(
        code: String, name: String = "", timeZone: String, drift: DriftPolicy = .correct,
        crpSecret: SecretRef? = nil, ike: IKESettings = IKESettings(), rollout: Rollout = Rollout(),
        windows: [MaintenanceWindow] = [],
        schedules: ScheduleSettings = ScheduleSettings()
    ) {
        self.windows = windows
        self.code = code
        self.name = name
        self.timeZone = timeZone
        self.drift = drift
        self.crpSecret = crpSecret
        self.ike = ike
        self.rollout = rollout
        self.schedules = schedules
    }
}
