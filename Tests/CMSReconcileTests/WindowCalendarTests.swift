import CMSModel
import Foundation
import Testing

@testable import CMSReconcile

/// Maintenance windows in their time zones, DST included (docs/firmware.md § Windows).
@Suite("Maintenance windows")
struct WindowCalendarTests {
    /// `yyyy-MM-ddTHH:mm:ssZ` → Timestamp.
    static func utc(_ text: String) -> Timestamp {
        let formatter = ISO8601DateFormatter()
        let date = formatter.date(from: text)!
        return Timestamp(microsecondsSince1970: Int64(date.timeIntervalSince1970 * 1_000_000))
    }

    static let weeknights = MaintenanceWindow(
        name: "nights", recurrence: .weekly([.mon, .tue, .wed, .thu, .fri]), startHour: 2, startMinute: 0,
        durationSeconds: 3 * 3600, timeZone: "Asia/Tokyo")
    static let firstOfMonth = MaintenanceWindow(
        name: "monthly", recurrence: .monthly(day: 1), startHour: 23, startMinute: 30, durationSeconds: 2 * 3600,
        timeZone: "Europe/Berlin")
    static let berlinSunday = MaintenanceWindow(
        name: "sun", recurrence: .weekly([.sun]), startHour: 2, startMinute: 30, durationSeconds: 3600,
        timeZone: "Europe/Berlin")
    static let berlinSundayEarly = MaintenanceWindow(
        name: "sun-early", recurrence: .weekly([.sun]), startHour: 1, startMinute: 0, durationSeconds: 4 * 3600,
        timeZone: "Europe/Berlin")

    struct OpenCase: Sendable, CustomTestStringConvertible {
        var window: MaintenanceWindow
        var at: String
        var open: Bool
        var why: String
        var testDescription: String { "\(window.name) at \(at): \(open ? "open" : "closed") (\(why))" }
    }

    static let openCases: [OpenCase] = [
        // Tokyo is UTC+9 without DST: 02:00 JST = 17:00 UTC the day before.
        OpenCase(window: weeknights, at: "2026-12-06T17:00:00Z", open: true, why: "Mon 02:00 JST, the start is inside"),
        OpenCase(window: weeknights, at: "2026-12-06T19:59:59Z", open: true, why: "Mon 04:59:59 JST"),
        OpenCase(window: weeknights, at: "2026-12-06T20:00:00Z", open: false, why: "Mon 05:00 JST, the end is outside"),
        OpenCase(window: weeknights, at: "2026-12-06T16:59:59Z", open: false, why: "Mon 01:59:59 JST"),
        OpenCase(window: weeknights, at: "2026-12-05T17:30:00Z", open: false, why: "Sun 02:30 JST is not listed"),
        OpenCase(window: weeknights, at: "2026-12-11T18:00:00Z", open: false, why: "Sat 03:00 JST is not listed"),
        OpenCase(window: weeknights, at: "2026-12-10T18:00:00Z", open: true, why: "Fri 03:00 JST"),
        // Monthly, across midnight: 1 Dec 23:30 CET (22:30 UTC) for 2 h.
        OpenCase(window: firstOfMonth, at: "2026-12-01T22:30:00Z", open: true, why: "the 1st, 23:30 CET"),
        OpenCase(window: firstOfMonth, at: "2026-12-02T00:15:00Z", open: true, why: "past midnight, still inside"),
        OpenCase(window: firstOfMonth, at: "2026-12-02T00:30:00Z", open: false, why: "2 h after the start"),
        OpenCase(window: firstOfMonth, at: "2026-12-02T22:30:00Z", open: false, why: "the 2nd"),
        // Summer time (CEST, UTC+2): 1 Jul 23:30 CEST = 21:30 UTC.
        OpenCase(window: firstOfMonth, at: "2026-07-01T21:30:00Z", open: true, why: "DST shifts the UTC start"),
        OpenCase(window: firstOfMonth, at: "2026-07-01T22:30:00Z", open: true, why: "one hour in"),
        OpenCase(window: firstOfMonth, at: "2026-07-01T21:29:00Z", open: false, why: "a minute before, summer time"),
        // Spring forward, Berlin 29 Mar 2026: 02:00 CET → 03:00 CEST; 02:30 does not exist, the window opens at
        // 03:00 CEST (01:00 UTC) and lasts one hour of absolute time.
        OpenCase(window: berlinSunday, at: "2026-03-29T01:00:00Z", open: true, why: "the gap moves the start to 03:00"),
        OpenCase(window: berlinSunday, at: "2026-03-29T00:59:59Z", open: false, why: "02:59:59 CET, before it"),
        OpenCase(window: berlinSunday, at: "2026-03-29T02:00:00Z", open: false, why: "one absolute hour later"),
        // A 4 h window from 01:00 CET across the change lasts 4 absolute hours: 00:00–04:00 UTC.
        OpenCase(window: berlinSundayEarly, at: "2026-03-29T03:59:00Z", open: true, why: "05:59 CEST, inside 4 h"),
        OpenCase(window: berlinSundayEarly, at: "2026-03-29T04:00:00Z", open: false, why: "06:00 CEST, 4 h passed"),
        // Fall back, Berlin 25 Oct 2026: 02:30 happens twice; the first (CEST, 00:30 UTC) is the start.
        OpenCase(window: berlinSunday, at: "2026-10-25T00:30:00Z", open: true, why: "first 02:30 (CEST)"),
        OpenCase(window: berlinSunday, at: "2026-10-25T01:29:00Z", open: true, why: "02:29 CET, 59 min in"),
        OpenCase(window: berlinSunday, at: "2026-10-25T01:30:00Z", open: false, why: "the second 02:30 (CET) is not"),
    ]

    @Test("a window is open from its local start for its duration", arguments: openCases)
    func openAt(_ c: OpenCase) {
        let calendar = WindowCalendar(windows: [c.window], defaultZone: "UTC")
        #expect(calendar.isOpen(at: Self.utc(c.at)) == c.open)
    }

    struct NextCase: Sendable, CustomTestStringConvertible {
        var windows: [MaintenanceWindow]
        var after: String
        var next: String?
        var name: String?
        var testDescription: String { "after \(after) → \(next ?? "none")" }
    }

    static let nextCases: [NextCase] = [
        NextCase(windows: [weeknights], after: "2026-12-05T12:00:00Z", next: "2026-12-06T17:00:00Z", name: "nights"),
        NextCase(windows: [weeknights], after: "2026-12-06T17:00:00Z", next: "2026-12-07T17:00:00Z", name: "nights"),
        NextCase(windows: [weeknights], after: "2026-12-10T18:00:00Z", next: "2026-12-13T17:00:00Z", name: "nights"),
        NextCase(windows: [firstOfMonth], after: "2026-12-02T00:00:00Z", next: "2027-01-01T22:30:00Z", name: "monthly"),
        NextCase(
            windows: [weeknights, firstOfMonth], after: "2026-12-31T12:00:00Z", next: "2026-12-31T17:00:00Z",
            name: "nights"),
        // A window in the tenant's zone (none of its own).
        NextCase(
            windows: [MaintenanceWindow(name: "utc", recurrence: .monthly(day: 31), startHour: 0, startMinute: 0,
                durationSeconds: 60)],
            after: "2026-12-01T00:00:00Z", next: "2026-12-31T00:00:00Z", name: "utc"),
        NextCase(windows: [], after: "2026-12-01T00:00:00Z", next: nil, name: nil),
    ]

    @Test("the next window is the earliest opening after the instant", arguments: nextCases)
    func nextOpening(_ c: NextCase) {
        let calendar = WindowCalendar(windows: c.windows, defaultZone: "UTC")
        let span = calendar.nextOpening(after: Self.utc(c.after))
        #expect(span?.start == c.next.map(Self.utc))
        #expect(span?.window == c.name)
    }

    @Test("no windows means always open")
    func noWindowsAlwaysOpen() {
        #expect(WindowCalendar(windows: [], defaultZone: "UTC").isOpen(at: Self.utc("2026-12-01T00:00:00Z")))
    }
}
