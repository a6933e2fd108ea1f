/// The tenant's scheduler settings (`schedules:` in the tenant document; SPEC §8, issue 13).
public struct ScheduleSettings: Sendable, Equatable, Hashable, Codable {
    /// How late a due time may still run (after downtime, or a revision adopted just after it); older ones are
    /// reported as missed and not run.
    public var graceMinutes: Int
    /// Whether schedules fire only inside the tenant's maintenance windows (shared with firmware rollouts).
    public var respectMaintenanceWindows: Bool

    public static let defaultGraceMinutes = 10

    public init(graceMinutes: Int = ScheduleSettings.defaultGraceMinutes, respectMaintenanceWindows: Bool = false) {
        self.graceMinutes = graceMinutes
        self.respectMaintenanceWindows = respectMaintenanceWindows
    }

    public var grace: Duration { .seconds(graceMinutes * 60) }
}
