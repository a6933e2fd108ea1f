@testable import CMSDaemon
import CMSModel
import CMSReconcile
import Foundation
import Logging
import NXRSimMemory
import Synchronization
import TestSupport
import Testing

/// Schedules firing on an in-memory fleet (issue 13): the scheduler on the manual clock, reboots through the
/// disruptive-operation seam, DST and month ends in the tenant's zone, skips, refusals, restarts and downtime.
@Suite(.tags(.core)) struct CoreScheduleTests {
    /// A harness whose repository has exactly `schedules` (YAML documents) in `zone`, and a scheduler whose wall
    /// clock starts at `wall` and moves with the harness's manual clock.
    struct Rig {
        let harness: CoreHarness
        let scheduler: TenantScheduler
        let ledger: any ScheduleLedgerStore
        let wall: Timestamp

        init(
            zone: String, wall: String, schedules: String, ledger: any ScheduleLedgerStore = InMemoryScheduleLedger(),
            grace: Int? = nil, runners: ScheduleRunners = .standard(syslog: { _ in nil })
        ) async throws {
            harness = try await CoreHarness(ipsec: false)
            harness.files.withLockedValue { files in
                for path in files.keys where path.hasPrefix("schedules/") { files[path] = nil }
                var tenant = files["tenant.yaml"]!.replacingOccurrences(
                    of: "timeZone: Asia/Tokyo", with: "timeZone: \(zone)")
                if let grace { tenant += "schedules:\n  graceMinutes: \(grace)\n" }
                files["tenant.yaml"] = tenant
                files["schedules/test.yaml"] = schedules
            }
            self.ledger = ledger
            let start = Timestamp.seconds(ScheduleCalendarTestsTime.utc(wall))
            self.wall = start
            let clock = harness.clock
            var logger = Logger(label: "schedule")
            logger.logLevel = .critical
            scheduler = TenantScheduler(
                controller: harness.controller, ledger: ledger, events: harness.events, clock: clock,
                now: { start + clock.now.offset }, runners: runners, recheck: .seconds(3600), logger: logger)
        }

        func start() async throws {
            await scheduler.start()
            let revision = try await harness.start()
            let converged = await harness.settle { await harness.converged(at: revision) }
            let description = converged ? "" : await harness.describe()
            #expect(converged, "\(description)")
        }

        func stop() async {
            await scheduler.shutdown()
            await harness.stop()
        }

        func events(_ type: EventType) async throws -> [Event] { try await harness.events(type) }

        func reboots() async -> [String: Int] {
            var result: [String: Int] = [:]
            for (code, device) in harness.devices { result[code] = await device.reboots }
            return result
        }

        /// Every managed device announces again (after its reboot) and is connected.
        func reconnectAll() async throws {
            for code in CoreHarness.managed { try await harness.announce(code) }
            #expect(
                await harness.settle {
                    for code in CoreHarness.managed {
                        guard await harness.controller.deviceState(code) == .connected else { return false }
                    }
                    return true
                })
        }
    }

    static func schedule(
        _ name: String, command: String = "reboot", target: String = "all", repeat: Bool = true, when: String
    ) -> String {
        """
        apiVersion: cms/v1
        kind: Schedule
        name: \(name)
        command: \(command)
        target: \(target)
        repeat: \(`repeat`)
        when: \(when)
        ---

        """
    }

    @Test func aRebootScheduleFiresAcrossTheSpringForwardGapOnceOnEveryConnectedDevice() async throws {
        // 01:50 CET on 28 March 2027; 02:30 does not exist that night: the schedule fires at 03:00 CEST (01:00 UTC).
        let rig = try await Rig(
            zone: "Europe/Berlin", wall: "2027-03-28T00:50:00Z",
            schedules: Self.schedule("nightly", when: "{hour: 2, minute: 30}"))
        try await rig.start()
        #expect(try await rig.events(.scheduleAdded).map { $0.details["schedule"] } == ["nightly"])
        let listing = await rig.scheduler.list(next: 2)
        #expect(
            listing.schedules.first?.next == [
                .init(utc: "2027-03-28T01:00:00Z", local: "2027-03-28T03:00:00+02:00"),
                .init(utc: "2027-03-29T00:30:00Z", local: "2027-03-29T02:30:00+02:00"),
            ])
        await rig.harness.advance(by: .seconds(9 * 60))
        #expect(try await rig.events(.scheduleFired).isEmpty, "nothing before its time")
        await rig.harness.advance(by: .seconds(60))
        #expect(await rig.harness.settle { (try? await rig.events(.scheduleRebootAllStarted).count) == 1 })
        let fired = try await rig.events(.scheduleFired)
        #expect(fired.map { $0.details["due"] } == ["2027-03-28T01:00:00Z"])
        #expect(await rig.reboots() == Dictionary(uniqueKeysWithValues: CoreHarness.managed.map { ($0, 1) }))
        let started = try await rig.events(.scheduleRebootAllStarted)
        #expect(started.first?.details["started"] == "4")
        #expect(started.first?.user == "schedule:nightly")
        #expect(try await rig.events(.deviceRebootStarted).count == 4)
        #expect(try await rig.events(.scheduleRebootPreparing).count == 1)
        // The devices come back; the next fire is 02:30 CEST the next night, once.
        try await rig.reconnectAll()
        await rig.harness.advance(by: .seconds(23 * 3600 + 29 * 60))
        #expect(try await rig.events(.scheduleFired).count == 1)
        await rig.harness.advance(by: .seconds(60))
        #expect(await rig.harness.settle { (try? await rig.events(.scheduleRebootAllStarted).count) == 2 })
        #expect(try await rig.events(.scheduleFired).map { $0.details["due"] }.last == "2027-03-29T00:30:00Z")
        await rig.stop()
    }

    @Test func dayThirtyOneFiresAtTheMonthEndAndSkipsJune() async throws {
        // 23:55 CEST on 30 May 2027: day 31 at 00:00 is in 5 minutes; June has no 31st, so next is 31 July.
        let rig = try await Rig(
            zone: "Europe/Berlin", wall: "2027-05-30T21:55:00Z",
            schedules: Self.schedule(
                "month-end", target: "{group: nxr120-sites}", when: "{day: 31, hour: 0, minute: 0}"))
        try await rig.start()
        await rig.harness.advance(by: .seconds(5 * 60))
        #expect(await rig.harness.settle { (try? await rig.events(.scheduleRebootAllStarted).count) == 1 })
        #expect(try await rig.events(.scheduleFired).map { $0.details["due"] } == ["2027-05-30T22:00:00Z"])
        // ebisu is the group's one connected member; the others (never announced) are skipped with an event each.
        #expect(await rig.harness.devices["ebisu"]!.reboots == 1)
        #expect(await rig.harness.devices["nxr01"]!.reboots == 0)
        #expect(try await rig.events(.scheduleRebootAllStarted).first?.details["started"] == "1")
        #expect(try await rig.events(.scheduleAborted).count == 4)
        let next = await rig.scheduler.list(next: 2).schedules.first?.next.map(\.local)
        #expect(next == ["2027-07-31T00:00:00+02:00", "2027-08-31T00:00:00+02:00"])
        await rig.stop()
    }

    @Test func devicesNotConnectedAreSkippedWithAnEventAndSameTimeSchedulesRunOneAfterAnother() async throws {
        let rig = try await Rig(
            zone: "Asia/Tokyo", wall: "2027-01-15T08:00:00Z",
            schedules: Self.schedule("a-first", when: "{hour: 17, minute: 1}")
                + Self.schedule("b-second", target: "{group: nxr120-sites}", when: "{weekday: fri, hour: 17, minute: 1}"))
        try await rig.start()
        await rig.harness.devices["nxr03"]!.setOnline(false)
        #expect(await rig.harness.settle { await rig.harness.controller.deviceState("nxr03") != .connected })
        await rig.harness.advance(by: .seconds(60))
        #expect(await rig.harness.settle { (try? await rig.events(.scheduleRebootAllStarted).count) == 2 })
        let fired = try await rig.events(.scheduleFired).map { $0.details["schedule"] }
        #expect(fired == ["a-first", "b-second"], "same-time schedules in name order")
        let allStarted = try await rig.events(.scheduleRebootAllStarted)
        #expect(allStarted.map { $0.details["started"] } == ["3", "0"])
        let skips = try await rig.events(.scheduleAborted)
        let firstSkips = skips.filter { $0.details["schedule"] == "a-first" }
        #expect(firstSkips.contains { $0.device == "nxr03" } && !firstSkips.contains { $0.device == "nxr01" })
        #expect(firstSkips.first { $0.device == "nxr03" }?.details["reason"]?.contains("not connected") == true)
        // The second one ran after the first: its devices were rebooting by then, so it skipped them — no overlap.
        #expect(skips.filter { $0.details["schedule"] == "b-second" }.allSatisfy { $0.details["reason"]?.contains("not connected") == true })
        #expect(await rig.harness.devices["nxr03"]!.reboots == 0)
        #expect(await rig.harness.devices["nxr01"]!.reboots == 1)
        await rig.stop()
    }

    @Test func aCommandWithoutARunnerIsAbortedWithItsReasonNeverSilently() async throws {
        // A cmsd whose registry lacks fetch-syslog (every command has a runner in ScheduleRunners.standard).
        var runners = ScheduleRunners.standard(syslog: { _ in nil })
        runners.byCommand[.fetchSyslog] = nil
        let rig = try await Rig(
            zone: "Asia/Tokyo", wall: "2027-01-15T08:00:00Z",
            schedules: Self.schedule("syslog", command: "fetch-syslog", when: "{hour: 17, minute: 2}"), runners: runners)
        try await rig.start()
        let listed = await rig.scheduler.list(next: 1).schedules.first
        #expect(listed?.carriedOut == false)
        #expect(listed?.reason == "no runner for fetch-syslog in this cmsd")
        await rig.harness.advance(by: .seconds(120))
        #expect(await rig.harness.settle { (try? await rig.events(.scheduleAborted).count) == 1 })
        let aborted = try await rig.events(.scheduleAborted)
        #expect(aborted.first?.details["reason"] == "no runner for fetch-syslog in this cmsd")
        #expect(try await rig.events(.scheduleFired).count == 1)
        #expect(await rig.reboots().values.allSatisfy { $0 == 0 })
        await rig.stop()
    }

    /// The loop computes its nap, then starts it in another actor turn; a revision adopted in between wakes a loop
    /// that is not sleeping yet. That wake must skip the stale nap (it slept an hour through a due fire: CI, under
    /// load), and only that one.
    @Test func aWakeBeforeTheLoopSleepsSkipsItsStaleNap() async throws {
        let rig = try await Rig(
            zone: "Asia/Tokyo", wall: "2027-01-15T08:00:00Z", schedules: Self.schedule("n", when: "{hour: 17, minute: 1}"))
        let naps = Mutex(0)
        await rig.scheduler.wake()
        await rig.scheduler.sleep { naps.withLock { $0 += 1 } }
        #expect(naps.withLock { $0 } == 0)
        await rig.scheduler.sleep { naps.withLock { $0 += 1 } }
        #expect(naps.withLock { $0 } == 1)
        await rig.stop()
    }

    @Test func aRestartWithTheStoredLedgerNeverFiresTwiceAndReportsAFireItCutShort() async throws {
        let ledger = InMemoryScheduleLedger()
        let schedules = Self.schedule("nightly", when: "{hour: 17, minute: 1}")
        let first = try await Rig(zone: "Asia/Tokyo", wall: "2027-01-15T08:00:00Z", schedules: schedules, ledger: ledger)
        try await first.start()
        await first.harness.advance(by: .seconds(60))
        #expect(await first.harness.settle { (try? await first.events(.scheduleRebootAllStarted).count) == 1 })
        await first.stop()
        // A new process 20 s after the fire, same ledger: nothing fires again.
        let second = try await Rig(zone: "Asia/Tokyo", wall: "2027-01-15T08:01:20Z", schedules: schedules, ledger: ledger)
        try await second.start()
        await second.harness.advance(by: .seconds(30))
        #expect(try await second.events(.scheduleFired).isEmpty)
        #expect(await second.reboots().values.allSatisfy { $0 == 0 })
        await second.stop()
        // A process killed between storing a fire and finishing it: the next start reports it, never runs it again.
        var cut = try await ledger.entries(tenant: CoreHarness.tenant)
        cut[0].firing = cut[0].lastFire
        try await ledger.save(tenant: CoreHarness.tenant, entries: cut, removed: [])
        let third = try await Rig(zone: "Asia/Tokyo", wall: "2027-01-15T08:01:40Z", schedules: schedules, ledger: ledger)
        try await third.start()
        #expect(await third.harness.settle { (try? await third.events(.scheduleAborted).count) == 1 })
        #expect(try await third.events(.scheduleAborted).first?.details["reason"]?.contains("cmsd stopped") == true)
        #expect(try await third.events(.scheduleFired).isEmpty)
        #expect(try await ledger.entries(tenant: CoreHarness.tenant).first?.firing == nil)
        await third.stop()
    }

    @Test func afterDowntimeAMissedFireWithinTheGraceRunsOnceAndAnOlderOneIsAnEvent() async throws {
        let schedules = Self.schedule("nightly", when: "{hour: 17, minute: 0}")
        // The ledger of a process that last handled the 14th's 17:00 JST fire and then went down.
        func ledger() -> InMemoryScheduleLedger { InMemoryScheduleLedger() }
        let fingerprint = ScheduleBook.fingerprint(
            Schedule(name: "nightly", command: .reboot, when: .monthDay(month: nil, day: nil, hour: 17, minute: 0)))
        let handled = Timestamp.seconds(ScheduleCalendarTestsTime.utc("2027-01-14T08:00:00Z"))
        let entry = ScheduleLedgerEntry(
            name: "nightly", fingerprint: fingerprint, since: handled - .seconds(86_400), handled: handled,
            lastFire: handled)
        // Back 4 minutes after the 15th's fire, grace 10 min: it runs once.
        let withinLedger = ledger()
        try await withinLedger.save(tenant: CoreHarness.tenant, entries: [entry], removed: [])
        let within = try await Rig(
            zone: "Asia/Tokyo", wall: "2027-01-15T08:04:00Z", schedules: schedules, ledger: withinLedger, grace: 10)
        try await within.start()
        // Due times missed while down are caught up only after the devices had 20 s to reconnect.
        await within.harness.advance(by: .seconds(19))
        #expect(try await within.events(.scheduleFired).isEmpty)
        await within.harness.advance(by: .seconds(1))
        #expect(await within.harness.settle { (try? await within.events(.scheduleRebootAllStarted).count) == 1 })
        #expect(try await within.events(.scheduleFired).map { $0.details["due"] } == ["2027-01-15T08:00:00Z"])
        // Only the never-announced devices of `all` are skipped; the schedule itself is not reported missed.
        #expect(try await within.events(.scheduleAborted).allSatisfy { $0.device != nil })
        await within.stop()
        // Back 30 minutes after it: older than the grace — an event, no reboot.
        let lateLedger = ledger()
        try await lateLedger.save(tenant: CoreHarness.tenant, entries: [entry], removed: [])
        let late = try await Rig(
            zone: "Asia/Tokyo", wall: "2027-01-15T08:30:00Z", schedules: schedules, ledger: lateLedger, grace: 10)
        try await late.start()
        await late.harness.advance(by: .seconds(20))
        #expect(await late.harness.settle { (try? await late.events(.scheduleAborted).count) == 1 })
        let missed = try await late.events(.scheduleAborted)
        #expect(missed.first?.details["due"] == "2027-01-15T08:00:00Z")
        #expect(missed.first?.details["reason"]?.contains("more than the grace (10 min)") == true)
        #expect(try await late.events(.scheduleFired).isEmpty)
        #expect(await late.reboots().values.allSatisfy { $0 == 0 })
        await late.stop()
    }

    @Test func theStandardRunnersAreExactlyTheCommandsDeclaredCarriedOut() {
        #expect(Set(ScheduleRunners.standard(syslog: { _ in nil }).byCommand.keys) == ScheduleCommands.carriedOut)
        #expect(ScheduleCommands.carriedOut == Set(Schedule.Command.allCases), "every command of SPEC §8")
    }
}

/// ISO 8601 → seconds (shared by the schedule tests of this target).
enum ScheduleCalendarTestsTime {
    static func utc(_ text: String) -> Int64 {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return Int64(formatter.date(from: text)!.timeIntervalSince1970)
    }
}
