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
        public init(maxConcurrent: Int = 40) { self.maxConcurrent = maxConcurrent }
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
    /// Scheduler settings: grace period, maintenance windows.
    public var schedules: ScheduleSettings

    public init(
        code: String, name: String = "", timeZone: String, drift: DriftPolicy = .correct,
        crpSecret: SecretRef? = nil, ike: IKESettings = IKESettings(), rollout: Rollout = Rollout(),
        schedules: ScheduleSettings = ScheduleSettings()
    ) {
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
