import CMSModel
import Foundation

/// Evaluates maintenance windows (``MaintenanceWindow``) in their IANA time zones: whether one is open at an
/// instant, and when the next one opens. Pure: the instant is given, nothing reads a clock.
///
/// Occurrences start at the local wall time on each matching local date. A start that does not exist that day
/// (a spring-forward gap) moves to the first valid instant after the gap; a start that exists twice (fall back)
/// is its first occurrence. The duration is absolute time, so a window across a DST change lasts exactly
/// `durationSeconds`.
public struct WindowCalendar: Sendable {
    public let windows: [MaintenanceWindow]
    /// The zone of windows that declare none (the tenant's).
    public let defaultZone: String

    /// One opening of a window.
    public struct Span: Sendable, Equatable, Hashable {
        public var window: String
        public var start: Timestamp
        public var end: Timestamp
    }

    public init(windows: [MaintenanceWindow], defaultZone: String) {
        self.windows = windows
        self.defaultZone = defaultZone
    }

    /// True when no window restricts (empty list) or one of them is open at `at`.
    public func isOpen(at: Timestamp) -> Bool {
        windows.isEmpty || openSpan(at: at) != nil
    }

    /// The span open at `at`, if any (the one ending last when several overlap).
    public func openSpan(at: Timestamp) -> Span? {
        var best: Span?
        for window in windows {
            let backDays = window.durationSeconds / 86_400 + 2
            for span in spans(of: window, fromDayOffset: -backDays, toDayOffset: 0, around: at)
            where span.start <= at && at < span.end {
                if best == nil || span.end > best!.end { best = span }
            }
        }
        return best
    }

    /// The next opening strictly after `at` (within about 13 months), nil when none.
    public func nextOpening(after at: Timestamp) -> Span? {
        var best: Span?
        for window in windows {
            for span in spans(of: window, fromDayOffset: 0, toDayOffset: 400, around: at) where span.start > at {
                if best == nil || span.start < best!.start { best = span }
                break
            }
        }
        return best
    }

    /// Spans of `window` starting on local dates `at + from … at + to` days, in order.
    func spans(of window: MaintenanceWindow, fromDayOffset from: Int, toDayOffset to: Int, around at: Timestamp)
        -> [Span]
    {
        guard let zone = TimeZone(identifier: window.timeZone ?? defaultZone) else { return [] }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let instant = Date(timeIntervalSince1970: Double(at.microsecondsSince1970) / 1_000_000)
        let today = calendar.dateComponents([.year, .month, .day], from: instant)
        guard let midnight = calendar.date(from: today) else { return [] }
        var result: [Span] = []
        for offset in from...to {
            guard let day = calendar.date(byAdding: .day, value: offset, to: midnight) else { continue }
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
            switch window.recurrence {
            case .weekly(let days):
                guard let weekday = parts.weekday, days.contains(where: { $0.calendarNumber == weekday }) else {
                    continue
                }
            case .monthly(let dayOfMonth):
                guard parts.day == dayOfMonth else { continue }
            }
            guard
                let start = calendar.nextDate(
                    after: day.addingTimeInterval(-1), matching: DateComponents(hour: window.startHour, minute: window.startMinute),
                    matchingPolicy: .nextTime, repeatedTimePolicy: .first, direction: .forward)
            else { continue }
            let startStamp = Timestamp(microsecondsSince1970: Int64((start.timeIntervalSince1970 * 1_000_000).rounded()))
            result.append(
                Span(
                    window: window.name, start: startStamp,
                    end: startStamp + .seconds(window.durationSeconds)))
        }
        return result
    }
}
