import CMSModel
import Foundation
import Testing

@testable import CMSReconcile

/// The scheduler's decisions (SPEC §8, issue 13 "never silent") as values: adoption of a revision's schedules, what is
/// due, what fires once after downtime within the grace, what is reported missed, and that a stored ledger never fires
/// a due time twice.
@Suite struct ScheduleBookTests {
    static let tokyo = TimeZone(identifier: "Asia/Tokyo")!
    static let grace = Duration.seconds(600)

    static func at(_ text: String) -> Timestamp { Timestamp.seconds(ScheduleCalendarTests.utc(text)) }

    static let daily = Schedule(
        name: "daily-reboot", command: .reboot, when: .monthDay(month: nil, day: nil, hour: 4, minute: 30))

    /// Adopts `schedules` at `now` and applies the outcome to `ledger`.
    static func adopted(
        _ schedules: [Schedule], ledger: [ScheduleLedgerEntry] = [], revisionTime: Timestamp, now: Timestamp
    ) -> (ScheduleBook.Outcome, [ScheduleLedgerEntry]) {
        let outcome = ScheduleBook.adopt(schedules, ledger: ledger, revisionTime: revisionTime, now: now, grace: grace)
        return (outcome, apply(outcome, to: ledger))
    }

    static func apply(_ outcome: ScheduleBook.Outcome, to ledger: [ScheduleLedgerEntry]) -> [ScheduleLedgerEntry] {
        var byName = Dictionary(uniqueKeysWithValues: ledger.map { ($0.name, $0) })
        for name in outcome.removed { byName[name] = nil }
        for entry in outcome.entries { byName[entry.name] = entry }
        return byName.values.sorted { $0.name < $1.name }
    }

    static func due(_ schedules: [Schedule], _ ledger: [ScheduleLedgerEntry], now: Timestamp) -> ScheduleBook.Outcome {
        ScheduleBook.due(schedules, ledger: ledger, zone: tokyo, grace: grace, now: now)
    }

    @Test func adoptionNamesAddedChangedDeletedAndKeepsTheLastFireOfAnEditedSchedule() {
        let now = Self.at("2027-01-15T08:00:00Z")
        let (first, ledger) = Self.adopted([Self.daily], revisionTime: Self.at("2026-12-01T00:00:00Z"), now: now)
        #expect(first.actions == [.added(Self.daily)])
        // An old commit does not replay history: counting starts at most the grace before now.
        #expect(ledger.map(\.since) == [now - Self.grace])
        var fired = ledger
        fired[0].handled = Self.at("2027-01-14T19:30:00Z")
        // The note is not part of the firing fields: no change.
        var renoted = Self.daily
        renoted.note = "new note"
        #expect(Self.adopted([renoted], ledger: fired, revisionTime: now, now: now).0.actions.isEmpty)
        var moved = Self.daily
        moved.target = .group("tokyo")
        let later = now + .seconds(60)
        let (change, changed) = Self.adopted([moved], ledger: fired, revisionTime: later, now: later)
        #expect(change.actions == [.changed(moved)])
        #expect(changed[0].handled == Self.at("2027-01-14T19:30:00Z"), "the edited schedule keeps its last fire")
        let (deletion, emptied) = Self.adopted([], ledger: changed, revisionTime: later, now: later)
        #expect(deletion.actions == [.deleted("daily-reboot")])
        #expect(emptied.isEmpty)
    }

    @Test func aScheduleCommittedWithinAMinuteOfItsTimeStillFires() {
        // Committed at 04:29:30 JST, adopted (next poll) at 04:30:20: its 04:30 fire is due and runs.
        let commit = Self.at("2027-01-14T19:29:30Z")
        let adoptedAt = Self.at("2027-01-14T19:30:20Z")
        let (_, ledger) = Self.adopted([Self.daily], revisionTime: commit, now: adoptedAt)
        let outcome = Self.due([Self.daily], ledger, now: adoptedAt)
        #expect(outcome.actions == [.fire(Self.daily, due: Self.at("2027-01-14T19:30:00Z"), skipped: 0)])
        #expect(outcome.wake == Self.at("2027-01-15T19:30:00Z"))
    }

    @Test func theStoredLedgerNeverFiresADueTimeTwice() {
        let (_, adoptedLedger) = Self.adopted(
            [Self.daily], revisionTime: Self.at("2027-01-14T00:00:00Z"), now: Self.at("2027-01-14T00:00:00Z"))
        #expect(adoptedLedger[0].since == Self.at("2027-01-14T00:00:00Z"))
        let fireTime = Self.at("2027-01-14T19:30:00Z")
        let outcome = Self.due([Self.daily], adoptedLedger, now: fireTime)
        #expect(outcome.fires.map(\.due) == [fireTime])
        let ledger = Self.apply(outcome, to: adoptedLedger)
        #expect(ledger[0].lastFire == fireTime && ledger[0].handled == fireTime)
        // A restart a few seconds later, with the stored ledger: nothing to fire, wake tomorrow.
        let again = Self.due([Self.daily], ledger, now: fireTime + .seconds(5))
        #expect(again.actions.isEmpty)
        #expect(again.wake == Self.at("2027-01-15T19:30:00Z"))
    }

    @Test func afterDowntimeTheLatestDueWithinTheGraceRunsOnceAndOlderOnesAreReportedMissed() {
        let ledger = [
            ScheduleLedgerEntry(
                name: "daily-reboot", fingerprint: ScheduleBook.fingerprint(Self.daily),
                since: Self.at("2027-01-01T00:00:00Z"), handled: Self.at("2027-01-11T19:30:00Z"),
                lastFire: Self.at("2027-01-11T19:30:00Z"))
        ]
        // Down from the 12th to 04:35 JST on the 15th: the 12th, 13th and 14th (JST) are missed; the 15th is 5 min old.
        let back = Self.due([Self.daily], ledger, now: Self.at("2027-01-14T19:35:00Z"))
        #expect(
            back.actions == [
                .missed(Self.daily, latest: Self.at("2027-01-13T19:30:00Z"), count: 2, grace: Self.grace),
                .fire(Self.daily, due: Self.at("2027-01-14T19:30:00Z"), skipped: 0),
            ])
        // Back at 04:45: the 15th's is older than the grace too; nothing runs.
        let late = Self.due([Self.daily], ledger, now: Self.at("2027-01-14T19:45:00Z"))
        #expect(late.actions == [.missed(Self.daily, latest: Self.at("2027-01-14T19:30:00Z"), count: 3, grace: Self.grace)])
        let after = Self.apply(late, to: ledger)
        #expect(Self.due([Self.daily], after, now: Self.at("2027-01-14T19:50:00Z")).actions.isEmpty, "reported once")
    }

    @Test func theMissedCountIsCappedAndTheFireIsTheLatestDueWithinTheGrace() {
        let hourly = Schedule(
            name: "m", command: .reboot, when: .monthDay(month: nil, day: nil, hour: nil, minute: 0))
        let hourlyFive = Schedule(name: "h", command: .reboot, when: .weekday(.any, hour: nil, minute: 5))
        let since = Self.at("2026-11-01T00:00:00Z")
        let ledger = [hourly, hourlyFive].map {
            ScheduleLedgerEntry(name: $0.name, fingerprint: ScheduleBook.fingerprint($0), since: since)
        }
        // Two months later, at 00:10 with 15 min of grace: more than 1000 due times each are missed; 00:00 and 00:05
        // are within the grace and fire, in due order.
        let now = Self.at("2027-01-01T00:10:00Z")
        let outcome = ScheduleBook.due(
            [hourly, hourlyFive], ledger: ledger, zone: Self.tokyo, grace: .seconds(900), now: now)
        let cap = ScheduleBook.missedCountCap
        #expect(
            outcome.actions == [
                .missed(hourlyFive, latest: Self.at("2026-11-01T00:05:00Z") + .seconds(3600 * (cap - 1)), count: cap,
                        grace: .seconds(900)),
                .missed(hourly, latest: Self.at("2026-11-01T01:00:00Z") + .seconds(3600 * (cap - 1)), count: cap,
                        grace: .seconds(900)),
                .fire(hourly, due: Self.at("2027-01-01T00:00:00Z"), skipped: 0),
                .fire(hourlyFive, due: Self.at("2027-01-01T00:05:00Z"), skipped: 0),
            ])
        // Two due times inside the grace fold into one fire of the latest.
        let two = ScheduleBook.due(
            [hourly], ledger: [ScheduleLedgerEntry(name: "m", fingerprint: ScheduleBook.fingerprint(hourly),
                                                   since: Self.at("2027-01-01T00:30:00Z"))],
            zone: Self.tokyo, grace: .seconds(7200), now: Self.at("2027-01-01T02:10:00Z"))
        #expect(two.actions == [.fire(hourly, due: Self.at("2027-01-01T02:00:00Z"), skipped: 1)])
    }

    @Test func onceOnlySchedulesFireOnceAndSameTimeSchedulesComeOutInNameOrder() {
        let once = Schedule(
            name: "b-once", command: .reboot, repeat: false, when: .weekday(.weekdays, hour: 2, minute: 30))
        let same = Schedule(name: "a-same", command: .reboot, when: .weekday(.fri, hour: 2, minute: 30))
        let since = Self.at("2027-01-13T00:00:00Z")
        var ledger = [once, same].map {
            ScheduleLedgerEntry(name: $0.name, fingerprint: ScheduleBook.fingerprint($0), since: since)
        }
        // Thursday 02:30 JST: only the weekdays one.
        let thursday = Self.due([once, same], ledger, now: Self.at("2027-01-13T17:30:00Z"))
        #expect(thursday.fires.map(\.schedule.name) == ["b-once"])
        ledger = Self.apply(thursday, to: ledger)
        #expect(ledger.first { $0.name == "b-once" }?.done == true)
        // Friday 02:30 JST: the once-only schedule is done; the Friday one fires.
        let friday = Self.due([once, same], ledger, now: Self.at("2027-01-14T17:30:00Z"))
        #expect(friday.fires.map(\.schedule.name) == ["a-same"])
        // Two schedules due at the same minute come out in name order, one after another.
        let other = Schedule(name: "0-first", command: .reboot, when: .weekday(.fri, hour: 2, minute: 30))
        ledger.append(ScheduleLedgerEntry(name: other.name, fingerprint: ScheduleBook.fingerprint(other), since: since))
        let both = Self.due([same, other], ledger, now: Self.at("2027-01-14T17:30:30Z"))
        #expect(both.fires.map(\.schedule.name) == ["0-first", "a-same"])
    }

    struct Closed: ScheduleWindowGate {
        func allows(_ instant: Timestamp) -> Bool { false }
    }

    @Test func aDueTimeOutsideTheMaintenanceWindowsIsReportedWhenTheTenantAsks() {
        let ledger = [
            ScheduleLedgerEntry(
                name: "daily-reboot", fingerprint: ScheduleBook.fingerprint(Self.daily),
                since: Self.at("2027-01-14T00:00:00Z"))
        ]
        let now = Self.at("2027-01-14T19:30:00Z")
        let asked = ScheduleBook.due(
            [Self.daily], ledger: ledger, zone: Self.tokyo, grace: Self.grace, now: now, respectWindows: true,
            windows: Closed())
        #expect(asked.actions == [.outsideWindow(Self.daily, due: now)])
        let notAsked = ScheduleBook.due(
            [Self.daily], ledger: ledger, zone: Self.tokyo, grace: Self.grace, now: now, respectWindows: false,
            windows: Closed())
        #expect(notAsked.fires.map(\.due) == [now])
    }
}
