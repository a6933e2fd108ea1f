import CMSAPI
import CMSDaemon
import CMSModel
import Foundation
import Synchronization
import TestSupport
import Testing

/// The schedulers' wall clock, set by the test: it stands still until ``jump(to:)`` moves it, then a step of the
/// manual clock the schedulers sleep on wakes them to look at the new time. The devices, sessions and every other
/// timer of the daemon run in real time (``DaemonEnvironment/scheduleTime``).
final class SteppedWall: Sendable {
    let clock = ManualClock()
    private let micros: Mutex<Int64>

    init(_ iso: String) { micros = Mutex(Self.micros(iso)) }

    var source: ScheduleTimeSource {
        ScheduleTimeSource(clock: clock, now: { [self] in Timestamp(microsecondsSince1970: micros.withLock { $0 }) })
    }

    static func micros(_ iso: String) -> Int64 {
        Int64(ISO8601DateFormatter().date(from: iso)!.timeIntervalSince1970) * 1_000_000
    }

    /// Waits until the scheduler sleeps (it is not in the middle of a tick), sets the wall time, and wakes it: the
    /// scheduler's naps are at most a minute, so a step of 61 s on its clock ends the current one.
    func jump(to iso: String) async -> Bool {
        guard await clock.waitForSleepers(1, timeout: .seconds(120)) else { return false }
        micros.withLock { $0 = Self.micros(iso) }
        await clock.advance(by: .seconds(61))
        return true
    }
}

/// Issue 13's proof on an `nxr-sim` fleet: schedules fire over real NETCONF/SSH at wall-clock times of the tenant's
/// zone (Europe/Berlin) across the spring-forward gap, a month end, a short month and the fall-back overlap, with
/// the schedulers' wall clock stepped by the test (no waiting for real days, no sleep to synchronise).
@Suite(.serialized, .tags(.peer)) struct ScheduleCalendarPeerTests {
    static let berlin = "apiVersion: cms/v1\nkind: Tenant\ncode: \(FirmwareHarness.tenant)\ntimeZone: Europe/Berlin\n"

    /// Fires of `schedule` (their due times), from the `schedule.fired` events.
    static func fired(_ h: FirmwareHarness, _ schedule: String) async throws -> [String] {
        try await h.events(.scheduleFired).filter { $0.details["schedule"] == schedule }.compactMap { $0.details["due"] }
            .sorted()
    }

    static func fetched(_ h: FirmwareHarness, by schedule: String) async throws -> Int {
        try await h.events(.syslogFetchSucceeded).filter { $0.user == "schedule:" + schedule }.count
    }

    @Test func schedulesFireAcrossTheDSTGapAMonthEndAndTheOverlapOnNXRSim() async throws {
        let h = try FirmwareHarness(count: 2)
        defer { Task { await h.stop() } }
        // 01:45 CET on the spring-forward night: at 02:00 CET the clocks go to 03:00 CEST (01:00Z).
        let wall = SteppedWall("2027-03-28T00:45:00Z")
        h.scheduleTime = wall.source
        try h.write("tenant.yaml", Self.berlin)
        try FileManager.default.createDirectory(
            at: h.repo.appendingPathComponent("schedules"), withIntermediateDirectories: true)
        try h.write(
            "schedules/calendar.yaml",
            """
            apiVersion: cms/v1
            kind: Schedule
            name: gap
            command: fetch-syslog
            target: all
            when: {month: 3, day: 28, hour: 2, minute: 30}
            note: a time that does not exist that night
            ---
            apiVersion: cms/v1
            kind: Schedule
            name: fold
            command: fetch-syslog
            target: all
            when: {month: 10, day: 31, hour: 2, minute: 30}
            note: a time that exists twice that night
            ---
            apiVersion: cms/v1
            kind: Schedule
            name: month-end
            command: fetch-syslog
            target: all
            when: {day: 31, hour: 3, minute: 0}

            """)
        try h.commit("calendar schedules in Europe/Berlin")
        try await h.startDaemon()
        try await h.startFleet()
        #expect(await eventuallyTrue(timeout: .seconds(120)) { try await h.connectedCount() == h.count })
        #expect(await eventuallyTrue(timeout: .seconds(60)) { try await h.events(.scheduleAdded).count == 3 })

        // `cms schedules`: the next fires in the tenant's zone and in UTC.
        let list = try await h.daemon.schedules(FirmwareHarness.tenant, next: 3)
        #expect(list.timeZone == "Europe/Berlin")
        let next = Dictionary(uniqueKeysWithValues: list.schedules.map { ($0.name, $0.next) })
        #expect(next["gap"]?.first?.utc == "2027-03-28T01:00:00Z")
        #expect(next["gap"]?.first?.local == "2027-03-28T03:00:00+02:00", "the gap's time is the first valid minute")
        #expect(next["month-end"]?.map(\.utc) == ["2027-03-31T01:00:00Z", "2027-05-31T01:00:00Z", "2027-07-31T01:00:00Z"])
        #expect(next["fold"]?.first?.local == "2027-10-31T02:30:00+02:00", "the overlap's first occurrence")

        // The gap: 02:30 does not exist on 28 March; the schedule fires at 03:00 CEST, once.
        #expect(await wall.jump(to: "2027-03-28T01:00:30Z"))
        #expect(await eventuallyTrue(timeout: .seconds(120)) { try await Self.fetched(h, by: "gap") == h.count })
        #expect(try await Self.fired(h, "gap") == ["2027-03-28T01:00:00Z"])

        // Day 31 in March; April has none (nothing due, nothing missed); then May.
        #expect(await wall.jump(to: "2027-03-31T01:00:30Z"))
        #expect(await eventuallyTrue(timeout: .seconds(120)) { try await Self.fetched(h, by: "month-end") == h.count })
        #expect(await wall.jump(to: "2027-05-31T01:00:30Z"))
        #expect(await eventuallyTrue(timeout: .seconds(120)) { try await Self.fetched(h, by: "month-end") == 2 * h.count })
        #expect(try await Self.fired(h, "month-end") == ["2027-03-31T01:00:00Z", "2027-05-31T01:00:00Z"])
        #expect(try await h.events(.scheduleAborted).isEmpty, "nothing skipped or missed in April")

        // cmsd "down" from June to the fall-back night: July's and August's 31st are missed (more than the grace
        // ago) — one event that counts 2 (June and September have no 31st); then 02:30 CEST fires.
        #expect(await wall.jump(to: "2027-10-31T00:30:30Z"))
        #expect(await eventuallyTrue(timeout: .seconds(120)) {
            let fetched = try await Self.fetched(h, by: "fold")
            let aborted = try await h.events(.scheduleAborted)
            return fetched == h.count && !aborted.isEmpty
        })
        let missed = try await h.events(.scheduleAborted)
        #expect(missed.count == 1, "\(missed.map(\.details))")
        #expect(missed.first?.details["schedule"] == "month-end")
        #expect(missed.first?.details["missed"] == "2")
        #expect(missed.first?.details["due"] == "2027-08-31T01:00:00Z")

        // 02:30 comes again at 01:30Z (CET): no second fire. 03:00 CET (02:00Z) is the month end's.
        #expect(await wall.jump(to: "2027-10-31T02:00:30Z"))
        #expect(await eventuallyTrue(timeout: .seconds(120)) { try await Self.fetched(h, by: "month-end") == 3 * h.count })
        #expect(try await Self.fired(h, "fold") == ["2027-10-31T00:30:00Z"], "the overlap fires once")
        #expect(try await Self.fired(h, "month-end") == [
            "2027-03-31T01:00:00Z", "2027-05-31T01:00:00Z", "2027-10-31T02:00:00Z",
        ])
        #expect(try await Self.fired(h, "gap") == ["2027-03-28T01:00:00Z"])
        #expect(try await h.events(.scheduleAborted).count == 1)
        // Each device answered five syslog fetches over SSH; the newest five are kept.
        for code in h.codes {
            let files = try await h.daemon.syslogFiles(FirmwareHarness.tenant, device: code)
            #expect(files.files.count == 5, "\(code): \(files.files)")
        }
        let fetched = try await h.events(.syslogFetchSucceeded)
        #expect(fetched.count == 5 * h.count)
        #expect(try await h.events(.syslogFetchFailed).isEmpty)
    }
}
