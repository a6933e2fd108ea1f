import CMSModel
import Foundation

/// When a ``ScheduleTime`` fires, in one IANA time zone (SPEC §8): the pure calendar maths of the scheduler.
///
/// A schedule names a wall-clock time of the tenant's zone (month/day/hour/minute with `any`, or a weekday class with
/// hour and minute). ``next(after:)`` is the first instant strictly after a given one at which it fires:
/// - a wall time that does not exist that day (the gap of a spring-forward change) fires at the first valid minute
///   after the gap — the instant of the change;
/// - a wall time that exists twice (the fall-back change) fires once, at its first occurrence;
/// - day 31 fires only in months that have it, 29 February only in leap years (the next one may be 8 years away:
///   2096 → 2104).
///
/// Only the zone's UTC offsets come from Foundation (`TimeZone.secondsFromGMT(for:)`, the tz database); the civil
/// date arithmetic is our own, so the answer does not depend on `Calendar`'s matching policies (the tests compare
/// both).
public struct ScheduleCalendar: Sendable, Hashable {
    public let time: ScheduleTime
    public let zone: TimeZone

    /// How far ahead ``next(after:)`` looks: past the longest gap between two 29 Februaries (2096 → 2104).
    static let horizonDays: Int64 = 9 * 366

    public init(_ time: ScheduleTime, zone: TimeZone) {
        self.time = time
        self.zone = zone
    }

    /// The first fire strictly after `instant` (whole seconds since 1970, UTC), or nil when the time never comes
    /// within nine years (an impossible date such as 30 February, which lint refuses).
    public func next(afterSeconds instant: Int64) -> Int64? {
        // Start one day before the local date of `instant`: a gap's fire or an offset change may move a wall time of
        // the previous local day past `instant`.
        let startDay = Self.floorDiv(instant + Int64(offset(at: instant)), 86_400) - 1
        var day = startDay
        while day <= startDay + Self.horizonDays {
            let (year, month, dayOfMonth) = Self.civil(fromDays: day)
            guard matches(year: year, month: month, day: dayOfMonth, days: day) else {
                day = nextCandidateDay(after: day, year: year, month: month, dayOfMonth: dayOfMonth)
                continue
            }
            for hour in hours {
                let wall = day * 86_400 + Int64(hour) * 3_600 + Int64(time.minute) * 60
                let fire = self.instant(ofWall: wall)
                if fire > instant { return fire }
            }
            day += 1
        }
        return nil
    }

    /// ``next(afterSeconds:)`` on timestamps; the answer is on a whole second (the instant of a wall-clock minute).
    public func next(after timestamp: Timestamp) -> Timestamp? {
        next(afterSeconds: Self.floorDiv(timestamp.microsecondsSince1970, 1_000_000)).map { Timestamp.seconds($0) }
    }

    /// The first `count` fires after `timestamp`, in order.
    public func fires(after timestamp: Timestamp, count: Int) -> [Timestamp] {
        var result: [Timestamp] = []
        var cursor = timestamp
        while result.count < count, let next = next(after: cursor) {
            result.append(next)
            cursor = next
        }
        return result
    }

    // MARK: - Matching

    private var hours: [Int] {
        if let hour = time.hour { return [hour] }
        return Array(0...23)
    }

    private func matches(year: Int64, month: Int, day: Int, days: Int64) -> Bool {
        switch time {
        case .monthDay(let wantedMonth, let wantedDay, _, _):
            if let wantedMonth, wantedMonth != month { return false }
            if let wantedDay, wantedDay != day { return false }
            return true
        case .weekday(let weekdays, _, _):
            return weekdays.days.contains(Self.isoWeekday(days: days))
        }
    }

    /// The next day worth looking at after a day that does not match: the first of the next month when the month or
    /// the day of month cannot match in this one.
    private func nextCandidateDay(after day: Int64, year: Int64, month: Int, dayOfMonth: Int) -> Int64 {
        guard case .monthDay(let wantedMonth, let wantedDay, _, _) = time else { return day + 1 }
        let monthWrong = wantedMonth.map { $0 != month } ?? false
        let dayPassed = wantedDay.map { $0 < dayOfMonth || $0 > Self.daysIn(month: month, year: year) } ?? false
        guard monthWrong || dayPassed else { return day + 1 }
        let (nextYear, nextMonth) = month == 12 ? (year + 1, 1) : (year, month + 1)
        return Self.days(year: nextYear, month: nextMonth, day: 1)
    }

    // MARK: - Zone

    private func offset(at instant: Int64) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
    }

    /// The instant of wall time `wall` (seconds since 1970 as if the zone were UTC): its first occurrence when it
    /// occurs twice, the end of the gap when it does not occur.
    func instant(ofWall wall: Int64) -> Int64 {
        // The offsets in force around the wall time: a change within a day either side is seen by one of them.
        let before = Int64(offset(at: wall - 86_400 - 14 * 3_600))
        let after = Int64(offset(at: wall + 86_400 + 14 * 3_600))
        let candidates = Set([before, after, Int64(offset(at: wall - before)), Int64(offset(at: wall - after))])
            .map { wall - $0 }
            .filter { Int64(offset(at: $0)) == wall - $0 }
        if let first = candidates.min() { return first }
        // The wall time falls in a gap: fire at the change, the first valid instant after it. The change lies between
        // the wall time read with the later (larger) offset and with the earlier one; find it by bisection.
        var low = wall - max(before, after)  // offset here is the earlier (smaller) one
        var high = wall - min(before, after)  // offset here is the later one
        let lowOffset = offset(at: low)
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if offset(at: middle) == lowOffset { low = middle } else { high = middle }
        }
        // The next whole minute at or after the change (tz changes are on whole minutes in practice).
        return Self.ceilDiv(high, 60) * 60
    }

    // MARK: - Civil dates (proleptic Gregorian, days since 1970-01-01)

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func ceilDiv(_ a: Int64, _ b: Int64) -> Int64 { -floorDiv(-a, b) }

    static func isLeap(_ year: Int64) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysIn(month: Int, year: Int64) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
    static func days(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day number.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// ISO weekday of a day number: Monday = 1 … Sunday = 7 (1970-01-01 was a Thursday).
    static func isoWeekday(days: Int64) -> Int {
        Int(((days + 3) % 7 + 7) % 7) + 1
    }
}
