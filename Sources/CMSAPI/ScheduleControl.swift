import CMSModel

/// What the control plane offers about schedules (`GET /api/v1/tenants/T/schedules?next=N`). A control plane without
/// a scheduler does not conform; the server then answers 501.
public protocol ScheduleControl: Sendable {
    /// The schedules of the revision in force with their next `next` fires (1–100).
    func schedules(_ tenant: String, next: Int) async throws(APIError) -> ScheduleList
}

/// The schedules of a tenant (`cms schedules`).
public struct ScheduleList: Sendable, Hashable, Codable {
    public var tenant: String
    /// The tenant's IANA zone: schedules are wall-clock times in it.
    public var timeZone: String
    public var graceMinutes: Int
    public var respectMaintenanceWindows: Bool
    /// The revision in force (nil: none yet, nothing fires).
    public var revision: String?
    public var schedules: [ScheduleListing]

    public init(
        tenant: String, timeZone: String, graceMinutes: Int, respectMaintenanceWindows: Bool, revision: String?,
        schedules: [ScheduleListing]
    ) {
        self.tenant = tenant
        self.timeZone = timeZone
        self.graceMinutes = graceMinutes
        self.respectMaintenanceWindows = respectMaintenanceWindows
        self.revision = revision
        self.schedules = schedules
    }
}

/// One schedule and when it fires next.
public struct ScheduleListing: Sendable, Hashable, Codable {
    /// A fire time: the instant, and its wall-clock time in the tenant's zone (ISO 8601 with offset).
    public struct FireTime: Sendable, Hashable, Codable {
        public var utc: String
        public var local: String
        public init(utc: String, local: String) {
            self.utc = utc
            self.local = local
        }
    }

    public var name: String
    public var command: String
    public var firmware: String?
    /// `all` or `group NAME`.
    public var target: String
    public var `repeat`: Bool
    /// The `when` of the schedule, readable (`weekday sun 04:30`, `month 12 day 31 23:00`, `any`-fields as `*`).
    public var when: String
    public var note: String
    /// False when this `cmsd` does not carry the command out yet: the fire is aborted with an event; `reason` says why.
    public var carriedOut: Bool
    public var reason: String?
    /// The last due time fired (ISO 8601 UTC).
    public var lastFire: String?
    /// A once-only schedule that has fired or been missed: it never fires again.
    public var done: Bool
    public var next: [FireTime]

    public init(
        name: String, command: String, firmware: String?, target: String, repeat: Bool, when: String, note: String,
        carriedOut: Bool, reason: String?, lastFire: String?, done: Bool, next: [FireTime]
    ) {
        self.name = name
        self.command = command
        self.firmware = firmware
        self.target = target
        self.repeat = `repeat`
        self.when = when
        self.note = note
        self.carriedOut = carriedOut
        self.reason = reason
        self.lastFire = lastFire
        self.done = done
        self.next = next
    }
}
