/// When a schedule fires; `nil` fields mean "any" (SPEC §8).
public enum ScheduleTime: Sendable, Equatable, Hashable, Codable {
    /// Days of the week a weekday-form schedule fires on.
    public enum WeekdayClass: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
        case any, weekdays, weekend, mon, tue, wed, thu, fri, sat, sun

        /// ISO weekday numbers, Monday = 1 … Sunday = 7.
        public var days: Set<Int> {
            switch self {
            case .any: return [1, 2, 3, 4, 5, 6, 7]
            case .weekdays: return [1, 2, 3, 4, 5]
            case .weekend: return [6, 7]
            case .mon: return [1]
            case .tue: return [2]
            case .wed: return [3]
            case .thu: return [4]
            case .fri: return [5]
            case .sat: return [6]
            case .sun: return [7]
            }
        }
    }

    /// month 1–12, day 1–31, hour 0–23, minute 0–59.
    case monthDay(month: Int?, day: Int?, hour: Int?, minute: Int)
    case weekday(WeekdayClass, hour: Int?, minute: Int)

    public var hour: Int? {
        switch self {
        case .monthDay(_, _, let hour, _), .weekday(_, let hour, _): return hour
        }
    }

    public var minute: Int {
        switch self {
        case .monthDay(_, _, _, let minute), .weekday(_, _, let minute): return minute
        }
    }
}
