import CMSModel
import Foundation
import TestSupport
import Testing

@testable import CMSReconcile

/// The schedule calendar (SPEC §8) by tables — DST gaps and overlaps, short months, leap days, weekday classes — and
/// by a property test over thousands of random schedules compared with Foundation's `Calendar`.
@Suite struct ScheduleCalendarTests {
    static func utc(_ text: String) -> Int64 {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return Int64(formatter.date(from: text)!.timeIntervalSince1970)
    }

    static func iso(_ seconds: Int64?) -> String {
        guard let seconds else { return "never" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var what: String
        var zone: String
        var time: ScheduleTime
        var after: String
        var expected: [String]
        /// Whether Foundation's `Calendar.nextDate` (`.nextTime`, `.first`) means the same here. It does not where a
        /// field is `any` below a given one (it takes the smallest value: month given, day any → day 1), where a date
        /// does not exist (it moves to the next day that does: 31 April → 1 May), nor for a repeated wall time whose
        /// first occurrence has passed (it returns the second); our semantics are SPEC §8's and the oracle below.
        var foundation = true
        var testDescription: String { what }
    }

    static let cases: [Case] = [
        Case(
            what: "Berlin 02:30 daily: the spring-forward gap fires at 03:00, the next valid minute",
            zone: "Europe/Berlin", time: .monthDay(month: nil, day: nil, hour: 2, minute: 30),
            after: "2027-03-27T12:00:00Z", expected: ["2027-03-28T01:00:00Z", "2027-03-29T00:30:00Z"]),
        Case(
            what: "Berlin 02:30 daily: the fall-back overlap fires once, at the first 02:30",
            zone: "Europe/Berlin", time: .monthDay(month: nil, day: nil, hour: 2, minute: 30),
            after: "2027-10-30T12:00:00Z", expected: ["2027-10-31T00:30:00Z", "2027-11-01T01:30:00Z"], foundation: false),
        Case(
            what: "Berlin every hour at :30 across the gap: 01:30, 03:00 (for the missing 02:30), 03:30",
            zone: "Europe/Berlin", time: .monthDay(month: nil, day: nil, hour: nil, minute: 30),
            after: "2027-03-28T00:00:00Z",
            expected: ["2027-03-28T00:30:00Z", "2027-03-28T01:00:00Z", "2027-03-28T01:30:00Z"], foundation: false),
        Case(
            what: "Berlin every hour at :30 across the overlap: the repeated 02:30 fires once",
            zone: "Europe/Berlin", time: .monthDay(month: nil, day: nil, hour: nil, minute: 30),
            after: "2027-10-30T23:00:00Z",
            expected: ["2027-10-30T23:30:00Z", "2027-10-31T00:30:00Z", "2027-10-31T02:30:00Z"], foundation: false),
        Case(
            what: "New York 02:00 on 14 March 2027 does not exist: 03:00 EDT",
            zone: "America/New_York", time: .monthDay(month: 3, day: 14, hour: 2, minute: 0),
            after: "2027-01-01T00:00:00Z", expected: ["2027-03-14T07:00:00Z", "2028-03-14T06:00:00Z"]),
        Case(
            what: "day 31 skips the months without one",
            zone: "UTC", time: .monthDay(month: nil, day: 31, hour: 0, minute: 0),
            after: "2027-03-31T00:00:00Z",
            expected: ["2027-05-31T00:00:00Z", "2027-07-31T00:00:00Z", "2027-08-31T00:00:00Z", "2027-10-31T00:00:00Z"], foundation: false),
        Case(
            what: "29 February only in leap years",
            zone: "Asia/Tokyo", time: .monthDay(month: 2, day: 29, hour: 9, minute: 0),
            after: "2027-01-01T00:00:00Z", expected: ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"], foundation: false),
        Case(
            what: "29 February: 2100 is not a leap year, 2104 is",
            zone: "UTC", time: .monthDay(month: 2, day: 29, hour: 0, minute: 0),
            after: "2096-03-01T00:00:00Z", expected: ["2104-02-29T00:00:00Z"], foundation: false),
        Case(
            what: "30 February never comes",
            zone: "UTC", time: .monthDay(month: 2, day: 30, hour: 0, minute: 0),
            after: "2027-01-01T00:00:00Z", expected: [], foundation: false),
        Case(
            what: "weekdays 08:15 Tokyo from a Friday evening: Monday",
            zone: "Asia/Tokyo", time: .weekday(.weekdays, hour: 8, minute: 15),
            after: "2027-01-15T08:00:00Z", expected: ["2027-01-17T23:15:00Z", "2027-01-18T23:15:00Z"]),
        Case(
            what: "weekend every hour at :00 from Friday night",
            zone: "UTC", time: .weekday(.weekend, hour: nil, minute: 0),
            after: "2027-01-15T23:30:00Z", expected: ["2027-01-16T00:00:00Z", "2027-01-16T01:00:00Z"], foundation: false),
        Case(
            what: "Sunday 04:30 Tokyo, the example's weekly reboot",
            zone: "Asia/Tokyo", time: .weekday(.sun, hour: 4, minute: 30),
            after: "2027-01-15T08:00:00Z", expected: ["2027-01-16T19:30:00Z", "2027-01-23T19:30:00Z"]),
        Case(
            what: "31 December 23:00 across the year end",
            zone: "Asia/Tokyo", time: .monthDay(month: 12, day: 31, hour: 23, minute: 0),
            after: "2027-12-31T14:00:00Z", expected: ["2028-12-31T14:00:00Z"]),
        Case(
            what: "a fire exactly at `after` is not returned: strictly after",
            zone: "UTC", time: .monthDay(month: nil, day: nil, hour: 12, minute: 0),
            after: "2027-06-01T12:00:00Z", expected: ["2027-06-02T12:00:00Z"]),
        Case(
            what: "Lord Howe's half-hour shift: 02:15 on the spring-forward day fires at 02:30",
            zone: "Australia/Lord_Howe", time: .monthDay(month: 10, day: 3, hour: 2, minute: 15),
            after: "2027-09-01T00:00:00Z", expected: ["2027-10-02T15:30:00Z"], foundation: false),
    ]

    @Test(arguments: cases) func table(_ c: Case) throws {
        let zone = try #require(TimeZone(identifier: c.zone))
        let calendar = ScheduleCalendar(c.time, zone: zone)
        var cursor = Self.utc(c.after)
        var got: [String] = []
        for _ in 0..<max(1, c.expected.count) {
            guard let next = calendar.next(afterSeconds: cursor) else { break }
            got.append(Self.iso(next))
            cursor = next
        }
        #expect(got == c.expected)
        guard c.foundation else { return }
        // Foundation agrees on every row (its own matching, .nextTime for gaps, .first for overlaps).
        var foundationCursor = Self.utc(c.after)
        var foundation: [String] = []
        for _ in 0..<max(1, c.expected.count) {
            guard let next = Self.foundationNext(c.time, zone: zone, after: foundationCursor) else { break }
            foundation.append(Self.iso(next))
            foundationCursor = next
        }
        #expect(foundation == c.expected, "Foundation's Calendar")
    }

    @Test func civilDatesRoundTripAndWeekdays() {
        for day in Int64(-800_000)...Int64(800_000) where day % 7 == 0 || day % 31 == 0 {
            let (y, m, d) = ScheduleCalendar.civil(fromDays: day)
            #expect(ScheduleCalendar.days(year: y, month: m, day: d) == day)
        }
        #expect(ScheduleCalendar.isoWeekday(days: 0) == 4, "1970-01-01 was a Thursday")
        #expect(ScheduleCalendar.isoWeekday(days: ScheduleCalendar.days(year: 2027, month: 1, day: 18)) == 1)
        #expect(ScheduleCalendar.isoWeekday(days: -1) == 3)
    }

    /// Thousands of random schedules in zones with odd rules (half-hour DST, southern hemisphere, 45-minute offsets, a
    /// zone that skipped a whole day), each checked against an independent oracle that walks the UTC minutes one by one
    /// and applies SPEC §8 literally: a minute fires when its local wall time matches and is the first occurrence of
    /// that wall time, or when it ends a DST gap that swallowed a matching wall time. Our `next(after:)` must be a
    /// minute the oracle fires at, and no earlier minute within the walked horizon may be one.
    @Test func propertyAgreesWithAMinuteByMinuteOracle() throws {
        let zones = [
            "UTC", "Asia/Tokyo", "Europe/Berlin", "Europe/London", "America/New_York", "America/Sao_Paulo",
            "Australia/Lord_Howe", "Australia/Sydney", "Pacific/Chatham", "Asia/Tehran", "America/Santiago",
            "Pacific/Apia", "Asia/Kathmandu", "America/St_Johns",
        ]
        var random = SeededRandom(seed: 0x5C4E_D01E)
        var failures: [String] = []
        var fired = 0
        let classes = ScheduleTime.WeekdayClass.allCases
        let horizon: Int64 = 36 * 3600
        for _ in 0..<1500 {
            let zone = TimeZone(identifier: zones.randomElement(using: &random)!)!
            let minute = Int.random(in: 0...59, using: &random)
            let hour: Int? = Bool.random(using: &random) ? Int.random(in: 0...23, using: &random) : nil
            // Any second from 2000 to 2040, most often just before a DST change.
            var after = Int64.random(in: 946_684_800...2_208_988_800, using: &random)
            if Int.random(in: 0...3, using: &random) > 0,
                let change = zone.nextDaylightSavingTimeTransition(
                    after: Date(timeIntervalSince1970: TimeInterval(after)))
            {
                after = Int64(change.timeIntervalSince1970) - Int64.random(in: 0...(6 * 3600), using: &random)
            }
            // Half the month/day specs name the local date of `after` or the next day, so they fire within the horizon.
            let offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(after))))
            let local = ScheduleCalendar.civil(
                fromDays: ScheduleCalendar.floorDiv(after + offset, 86_400) + Int64.random(in: 0...1, using: &random))
            let time: ScheduleTime
            if Bool.random(using: &random) {
                let near = Bool.random(using: &random)
                let month: Int? =
                    Int.random(in: 0...2, using: &random) == 0
                    ? nil : near ? local.month : Int.random(in: 1...12, using: &random)
                let maxDay = month.map { $0 == 2 ? 29 : ([4, 6, 9, 11].contains($0) ? 30 : 31) } ?? 31
                let day: Int? =
                    Int.random(in: 0...2, using: &random) == 0
                    ? nil : near && month == local.month ? local.day : Int.random(in: 1...maxDay, using: &random)
                time = .monthDay(month: month, day: day, hour: hour, minute: minute)
            } else {
                time = .weekday(classes.randomElement(using: &random)!, hour: hour, minute: minute)
            }
            let ours = ScheduleCalendar(time, zone: zone).next(afterSeconds: after)
            let oracle = Oracle(time: time, zone: zone)
            var u = (after / 60 + 1) * 60
            let end = min(ours ?? (after + horizon), after + horizon)
            while u < end {
                if oracle.fires(u) {
                    failures.append(
                        "\(zone.identifier) \(time) after \(Self.iso(after)): oracle fires at \(Self.iso(u)), "
                            + "ours \(Self.iso(ours))")
                    break
                }
                u += 60
            }
            if let ours {
                if ours <= after || ours % 60 != 0 || !oracle.fires(ours) {
                    failures.append(
                        "\(zone.identifier) \(time) after \(Self.iso(after)): ours \(Self.iso(ours)) is not a fire")
                }
                if ours <= after + horizon { fired += 1 }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures:\n\(failures.prefix(20).joined(separator: "\n"))")
        #expect(fired > 600, "most random schedules fire within the walked horizon (\(fired))")
    }

    /// SPEC §8 read literally, one UTC minute at a time.
    struct Oracle {
        var time: ScheduleTime
        var zone: TimeZone

        func offset(_ u: Int64) -> Int64 {
            Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(u))))
        }

        func matches(wall: Int64) -> Bool {
            let days = ScheduleCalendar.floorDiv(wall, 86_400)
            let seconds = wall - days * 86_400
            let (_, month, day) = ScheduleCalendar.civil(fromDays: days)
            guard Int(seconds % 3600) / 60 == time.minute, time.hour.map({ $0 == Int(seconds / 3600) }) ?? true else {
                return false
            }
            switch time {
            case .monthDay(let m, let d, _, _): return (m.map { $0 == month } ?? true) && (d.map { $0 == day } ?? true)
            case .weekday(let w, _, _): return w.days.contains(ScheduleCalendar.isoWeekday(days: days))
            }
        }

        func fires(_ u: Int64) -> Bool {
            let now = offset(u)
            let before = offset(u - 60)
            // The end of a gap: the wall minutes skipped there, if one of them matches.
            if now > before {
                var wall = u + before
                while wall < u + now {
                    if matches(wall: wall) { return true }
                    wall += 60
                }
            }
            let wall = u + now
            guard matches(wall: wall) else { return false }
            // Not a repeat: no earlier instant (up to 3 h back) showed the same wall time.
            for k in stride(from: Int64(900), through: 3 * 3600, by: 900) where offset(u - k) == now + k { return false }
            return true
        }
    }

    /// Foundation's answer: the earliest `nextDate` over the schedule's weekdays (Foundation: 1 = Sunday).
    static func foundationNext(_ time: ScheduleTime, zone: TimeZone, after seconds: Int64) -> Int64? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var base = DateComponents()
        base.minute = time.minute
        base.hour = time.hour
        var patterns: [DateComponents] = []
        switch time {
        case .monthDay(let month, let day, _, _):
            base.month = month
            base.day = day
            patterns = [base]
        case .weekday(let weekdays, _, _):
            if weekdays == .any {
                patterns = [base]
            } else {
                patterns = weekdays.days.sorted().map { iso in
                    var c = base
                    c.weekday = iso % 7 + 1
                    return c
                }
            }
        }
        let after = Date(timeIntervalSince1970: TimeInterval(seconds))
        let horizon = after.addingTimeInterval(9 * 366 * 86_400)
        let found = patterns.compactMap {
            calendar.nextDate(
                after: after, matching: $0, matchingPolicy: .nextTime, repeatedTimePolicy: .first, direction: .forward)
        }.filter { $0 <= horizon }
        return found.min().map { Int64($0.timeIntervalSince1970) }
    }
}
