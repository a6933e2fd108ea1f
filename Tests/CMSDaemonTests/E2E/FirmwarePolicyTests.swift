import CMSAPI
import CMSDaemon
import CMSModel
import Foundation
import NXRSim
import TestSupport
import Testing

/// Firmware rollouts end to end, continued (issue 11): a group's `rollout:` over the tenant's, a maintenance window
/// closing in the middle of a rollout, a canary in a reboot loop during its soak, the background / no-reboot modes,
/// an image for another product, and the image store's events. Real daemon, git repository, download server, NXRSim.
@Suite(.serialized, .tags(.peer)) struct FirmwarePolicyTests {
    static func utc() -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    static func hhmm(_ date: Date) -> String {
        let parts = utc().dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour!, parts.minute!)
    }

    static let everyDay = "[mon, tue, wed, thu, fri, sat, sun]"

    @Test func aGroupsRolloutOverridesTheTenantsForItsMembersOnly() async throws {
        let h = try FirmwareHarness(count: 6)
        defer { Task { await h.stop() } }
        try await h.startDaemon()
        try await h.startFleet()
        #expect(await eventuallyTrue(timeout: .seconds(120)) { try await h.connectedCount() == h.count })
        let stored = try await h.addImage(try h.image(version: "6.0.1"))
        // The tenant only updates in a window 6 hours away; group `pilot` (fw1, fw2) may update at any time, canary 1.
        let later = Self.hhmm(Date().addingTimeInterval(6 * 3600))
        try h.writeTenant(
            rollout: "maxConcurrent: 40\nmaxFailures: 0\nwindows: [later]",
            windows: "  - {name: later, weekly: \(Self.everyDay), start: \"\(later)\", duration: 1h}\n")
        try h.desire(image: "v6", version: "6.0.1", sha256: stored.sha256)
        try h.write(
            "groups/pilot.yaml",
            "apiVersion: cms/v1\nkind: Group\nname: pilot\nrollout: {windows: [], canary: 1, soak: 1s}\n"
                + "members:\n  - device: fw1\n  - device: fw2\n")
        try h.commit("firmware 6.0.1, pilot first")
        #expect(await eventuallyTrue(timeout: .seconds(120)) {
            try await h.rollouts().rollouts.first { $0.group == "pilot" }?.phase == "finished"
        })
        let list = try await h.rollouts()
        #expect(list.rollouts.count == 2, "one rollout per policy: \(list.rollouts.map(\.id))")
        let pilot = try #require(list.rollouts.first { $0.group == "pilot" })
        #expect(pilot.batches.map(\.devices) == [["fw1"], ["fw2"]], "the group's canary 1")
        #expect(pilot.counts["done"] == 2)
        let rest = try #require(list.rollouts.first { $0.group == nil })
        #expect(rest.phase == "waiting-for-window", "the tenant's window still holds the others")
        #expect(rest.counts["pending"] == 4)
        #expect(rest.batches.map(\.devices) == [["fw3", "fw4", "fw5", "fw6"]])
        let sims = try await h.snapshots()
        #expect(["fw1", "fw2"].allSatisfy { sims[$0]?.identity.firmwareVersion == "6.0.1" })
        #expect(["fw3", "fw4", "fw5", "fw6"].allSatisfy { sims[$0]?.firmwareFlashes == 0 })
        let started = try await h.events(.firmwareRolloutStarted)
        #expect(started.filter { $0.details["policy"] == "group pilot" }.count == 1)
        // `/metrics`: rollouts by phase; devices of unfinished rollouts by state; the bytes the devices downloaded.
        let metrics = await h.daemon.metrics()
        #expect(metrics.firmwareRollouts[FirmwareHarness.tenant] == ["finished": 1, "waiting-for-window": 1])
        #expect(metrics.firmwareRolloutDevices[FirmwareHarness.tenant]?["pending"] == 4)
        #expect(metrics.firmwareDownloadBytes >= 2 * Int64(stored.size), "two devices downloaded the image")
        #expect(metrics.firmwareDownloadsActive == 0)

        // The imperative escape hatch for the group: its policy, recorded with the API user; both already run 6.0.1.
        let oneOff = try await h.daemon.firmwareUpdate(
            FirmwareHarness.tenant, request: FirmwareUpdateRequest(group: "pilot", image: "v6"), user: "ops")
        #expect(oneOff.user == "ops")
        #expect(oneOff.group == "pilot")
        #expect(oneOff.batches.first?.canary == true)
        #expect(await eventuallyTrue(timeout: .seconds(30)) {
            try await h.rollouts().rollouts.first { $0.id == oneOff.id }?.phase == "finished"
        })
        let again = try #require(try await h.rollouts().rollouts.first { $0.id == oneOff.id })
        #expect(again.counts["skipped"] == 2, "\(again.skipped)")
        #expect(try await h.events(.firmwareRolloutStarted).contains { $0.user == "ops" && $0.details["policy"] == "group pilot" })
        #expect(try await h.snapshots().values.allSatisfy { $0.firmwareFlashes <= 1 }, "nothing flashed twice")
    }

    @Test func aWindowClosingMidRolloutStopsNewStartsAndLetsInFlightUpdatesFinish() async throws {
        let h = try FirmwareHarness(count: 10)
        defer { Task { await h.stop() } }
        try await h.startDaemon()
        try await h.startFleet(rebootDelay: 3)
        #expect(await eventuallyTrue(timeout: .seconds(120)) { try await h.connectedCount() == h.count })
        let stored = try await h.addImage(try h.image(version: "6.0.1"))
        // A window that opened a minute ago and closes 15 s from now: one device at a time, each ≥ 3 s of reboot.
        let now = Date()
        let minute = Self.utc().dateInterval(of: .minute, for: now.addingTimeInterval(-60))!.start
        let closeAt = now.addingTimeInterval(15)
        let duration = Int(closeAt.timeIntervalSince(minute).rounded(.up))
        try h.writeTenant(
            rollout: "maxConcurrent: 1\nmaxFailures: 0\nwindows: [closing]",
            windows: "  - {name: closing, weekly: \(Self.everyDay), start: \"\(Self.hhmm(minute))\", duration: \(duration)s}\n")
        try h.desire(image: "v6", version: "6.0.1", sha256: stored.sha256)
        try h.commit("firmware 6.0.1 in a closing window")
        let closed = minute.addingTimeInterval(TimeInterval(duration))
        #expect(await eventuallyTrue(timeout: .seconds(180)) {
            guard Date() > closed, let r = try await h.rollouts().rollouts.first else { return false }
            return r.phase == "waiting-for-window" && r.counts["in-flight"] == 0
        })
        let list = try await h.rollouts()
        let rollout = try #require(list.rollouts.first)
        let done = rollout.counts["done"] ?? 0
        #expect(done >= 1, "the window was open: devices were updated \(rollout.counts)")
        #expect((rollout.counts["pending"] ?? 0) >= 1, "the window closed before every device: \(rollout.counts)")
        #expect(done + (rollout.counts["pending"] ?? 0) == 10, "no failures, nothing abandoned: \(rollout.counts)")
        #expect(list.windowOpen == false)
        // The next opening is tomorrow's, at the same minute.
        let next = try #require(list.nextWindowStart)
        #expect(next.microsecondsSince1970 / 1_000_000 == Int64(minute.addingTimeInterval(86_400).timeIntervalSince1970))
        // Nothing started after the close (the tick and queue hand-off take a moment); everything started finished.
        let limit = Int64((closed.timeIntervalSince1970 + 2) * 1_000_000)
        let started = try await h.events(.firmwareUpdateStarted)
        #expect(started.allSatisfy { $0.time.microsecondsSince1970 <= limit }, "\(started.map(\.time))")
        #expect(started.count == done, "every started device finished on the new version")
        #expect(try await h.events(.firmwareUpdateSucceeded).count == done)
        try await Task.sleep(for: .seconds(3))
        #expect(try await h.events(.firmwareUpdateStarted).count == done, "still nothing new")
        let sims = try await h.snapshots()
        #expect(sims.values.filter { $0.firmwareFlashes == 1 }.count == done)
        #expect(sims.values.filter { $0.firmwareFlashes == 0 }.count == 10 - done)
    }

    @Test func aCanaryInARebootLoopDuringItsSoakFailsAndStopsTheRollout() async throws {
        let h = try FirmwareHarness(count: 4)
        defer { Task { await h.stop() } }
        try await h.startDaemon()
        try await h.startFleet()
        _ = try await FirmwareRolloutTests.prepare(
            h, rollout: "maxConcurrent: 40\ncanary: 1\nsoak: 30s\nbatchSize: 100%\nmaxFailures: 0")
        // The canary came back on 6.0.1 and its soak began; then it starts rebooting every 2 s (simulator fault).
        #expect(await eventuallyTrue(timeout: .seconds(120)) {
            try await h.rollouts().rollouts.first?.phase == "soaking"
        })
        var faults = DeviceFaults()
        faults.rebootLoop = 2
        try await #require(h.fleet.device("fw1")).setFaults(faults).get()
        #expect(await eventuallyTrue(timeout: .seconds(25)) {
            try await h.rollouts().rollouts.first?.phase == "stalled"
        })
        let rollout = try #require(try await h.rollouts().rollouts.first)
        #expect(rollout.failed.keys.sorted() == ["fw1"])
        #expect(rollout.failed["fw1"]?.contains("not healthy during the soak") == true, "\(rollout.failed)")
        #expect(rollout.reason?.hasSuffix("fw1") == true)
        let failed = try await h.events(.firmwareUpdateFailed)
        #expect(failed.map(\.device) == ["fw1"])
        #expect(try await h.events(.firmwareRolloutStalled).first?.details["devices"] == "fw1")
        // The next batch never started.
        let sims = try await h.snapshots()
        #expect(["fw2", "fw3", "fw4"].allSatisfy { sims[$0]?.firmwareFlashes == 0 })
        #expect(try await h.events(.firmwareUpdateStarted).map(\.device) == ["fw1"])
        try await #require(h.fleet.device("fw1")).setFaults(DeviceFaults()).get()
    }

    @Test func backgroundAndNoRebootModesAnImageForAnotherProductAndTheImageStoresEvents() async throws {
        let h = try FirmwareHarness(count: 3)
        defer { Task { await h.stop() } }
        try await h.startDaemon()
        try await h.startFleet()
        #expect(await eventuallyTrue(timeout: .seconds(120)) { try await h.connectedCount() == h.count })
        let bootsBefore = try await h.snapshots().mapValues(\.bootCount)
        let stored = try await h.addImage(try h.image(version: "6.0.1"))
        let spare = try await h.addImage(try h.image(version: "6.0.2", size: 64 << 10))
        let registered = try await h.events(.firmwareImageRegistered)
        #expect(registered.count == 2)
        #expect(registered.allSatisfy { $0.user == "tester" })
        #expect(registered.map { $0.details["sha256"] }.contains(stored.sha256))
        // An unused image can go: `firmware.image.deleted`, by the API user.
        _ = try await h.daemon.removeFirmwareImage(FirmwareHarness.tenant, sha256: spare.sha256, user: "ops")
        let deleted = try await h.events(.firmwareImageDeleted)
        #expect(deleted.count == 1)
        #expect(deleted.first?.user == "ops")

        // An image in the repository whose header says NXR-125, declared (wrongly) for the NXR-230s.
        var wrong = Array(FirmwareImageHeader(product: "NXR-125", version: "6.0.1").line.utf8)
        wrong += Array(repeating: 0x5a, count: 4096)
        try FileManager.default.createDirectory(
            at: h.repo.appendingPathComponent("images"), withIntermediateDirectories: true)
        try Data(wrong).write(to: h.repo.appendingPathComponent("images/wrong.bin"))
        let digest = try runProcess("/usr/bin/sha256sum", [h.repo.appendingPathComponent("images/wrong.bin").path])
        let wrongSHA = String(digest.stdout.prefix(64))
        #expect(wrongSHA.count == 64)
        try h.write(
            "firmware/v6.yaml",
            "apiVersion: cms/v1\nkind: Firmware\nname: v6\nproduct: NXR-230\nversion: 6.0.1\nsha256: \(stored.sha256)\n")
        try h.write(
            "firmware/w6.yaml",
            "apiVersion: cms/v1\nkind: Firmware\nname: w6\nproduct: NXR-230\nversion: 6.0.1\nfile: images/wrong.bin\n"
                + "sha256: \(wrongSHA)\n")
        for (code, target) in [("fw1", "{image: v6, mode: no-reboot}"), ("fw2", "{image: v6, mode: background}"),
            ("fw3", "{image: w6}")]
        {
            try h.write(
                "devices/\(code).yaml",
                "apiVersion: cms/v1\nkind: Device\ncode: \(code)\nproduct: NXR-230\nfirmware: \(target)\n")
        }
        try h.commit("modes and a wrong image")
        #expect(await eventuallyTrue(timeout: .seconds(120)) {
            let list = try await h.rollouts().rollouts
            return list.count == 3 && list.allSatisfy { $0.phase == "finished" }
        })
        let list = try await h.rollouts().rollouts
        #expect(Set(list.map(\.mode)) == ["no-reboot", "background", "normal"], "one rollout per mode")
        #expect(try await h.events(.firmwareUpdateNoRebootStarted).map(\.device) == ["fw1"])
        #expect(try await h.events(.firmwareUpdateBackgroundStarted).map(\.device) == ["fw2"])
        #expect(try await h.events(.firmwareUpdateStarted).map(\.device) == ["fw3"])
        let notUpdated = try await h.events(.firmwareUpdateNotUpdated)
        #expect(notUpdated.map(\.device) == ["fw3"])
        #expect(notUpdated.first?.details["reason"]?.contains("NXR-125") == true, "\(notUpdated.map(\.details))")
        let sims = try await h.snapshots()
        // no-reboot: installed, runs after the next reboot — not rebooted, still reports the old version.
        #expect(sims["fw1"]?.firmwareFlashes == 1)
        #expect(sims["fw1"]?.bootCount == bootsBefore["fw1"])
        #expect(sims["fw1"]?.identity.firmwareVersion == "5.0.0")
        // background: downloaded while running, then rebooted onto it and verified.
        #expect(sims["fw2"]?.firmwareFlashes == 1)
        #expect(sims["fw2"]?.identity.firmwareVersion == "6.0.1")
        #expect(sims["fw2"]?.bootCount == (bootsBefore["fw2"] ?? 0) + 1)
        // another product's image: not flashed, not rebooted.
        #expect(sims["fw3"]?.firmwareFlashes == 0)
        #expect(sims["fw3"]?.bootCount == bootsBefore["fw3"])
        let byMode = Dictionary(uniqueKeysWithValues: list.map { ($0.mode, $0) })
        #expect(byMode["no-reboot"]?.counts["done"] == 1)
        #expect(byMode["background"]?.counts["done"] == 1)
        #expect(byMode["normal"]?.counts["skipped"] == 1)
        #expect(try await h.events(.firmwareUpdateSucceeded).compactMap(\.device).sorted() == ["fw1", "fw2"])
    }
}
