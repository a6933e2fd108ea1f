/// A recurring span of time in which disruptive work (firmware rollouts, and schedules later) may start
/// (tenant.yaml `windows:`). The zone is explicit: the window's own, else the tenant's.
/// Evaluation (open at an instant, the next opening, DST) lives in `CMSReconcile.WindowCalendar`.
public struct MaintenanceWindow: Sendable, Equatable, Hashable, Codable {
    /// Days of the week, ISO order.
    public enum Weekday: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
        case mon, tue, wed, thu, fri, sat, sun

        /// Foundation's `Calendar` weekday number (1 = Sunday).
        public var calendarNumber: Int {
            switch self {
            case .sun: 1
            case .mon: 2
            case .tue: 3
            case .wed: 4
            case .thu: 5
            case .fri: 6
            case .sat: 7
            }
        }
    }

    /// When it recurs.
    public enum Recurrence: Sendable, Equatable, Hashable, Codable {
        /// Every listed weekday.
        case weekly([Weekday])
        /// One day of every month (1–31; a month without that day has no window).
        case monthly(day: Int)
    }

    public var name: String
    public var recurrence: Recurrence
    /// Local start time in the window's zone.
    public var startHour: Int
    public var startMinute: Int
    /// Length in seconds (absolute time: a window across a DST change lasts exactly this long).
    public var durationSeconds: Int
    /// IANA zone; nil = the tenant's `timeZone`.
    public var timeZone: String?

    public init(
        name: String, recurrence: Recurrence, startHour: Int, startMinute: Int, durationSeconds: Int,
        timeZone: String? = nil
    ) {
        self.name = name
        self.recurrence = recurrence
        self.startHour = startHour
        self.startMinute = startMinute
        self.durationSeconds = durationSeconds
        self.timeZone = timeZone
    }
}

/// A count or a percentage of a population (rollout `batchSize`, `maxFailures`).
public enum Amount: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    case count(Int)
    case percent(Int)

    /// The number it stands for among `total` (a percentage rounds up, at least 1 when total > 0 and the
    /// percentage is > 0).
    public func resolve(total: Int) -> Int {
        switch self {
        case .count(let n): return n
        case .percent(let p):
            guard total > 0, p > 0 else { return 0 }
            return max(1, (total * p + 99) / 100)
        }
    }

    public var description: String {
        switch self {
        case .count(let n): "\(n)"
        case .percent(let p): "\(p)%"
        }
    }
}
