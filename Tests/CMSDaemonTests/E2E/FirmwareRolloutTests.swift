import CMSAPI
import CMSDaemon
import CMSModel
import Foundation
import NXRSim
import TestSupport
import Testing

/// Firmware rollouts end to end (issue 11): the real daemon on loopback, a real git repository, the image store,
/// the download server, and NXRSim devices that download over HTTP, flash and reboot.
@Suite(.serialized, .tags(.peer)) struct FirmwareRolloutTests {
    /// Waits until every device is connected, then adds the image and commits the desired version.
    static func prepare(_ h: FirmwareHarness, rollout: String, windows: String = "") async throws -> StoredFirmwareImage {
        #expect(await eventuallyTrue(timeout: .seconds(120)) { try await h.connectedCount() == h.count })
        let stored = try await h.addImage(try h.image(version: "6.0.1"))
        #expect(stored.version == "6.0.1", "the version is read from the image header")
        try h.writeTenant(rollout: rollout, windows: windows)
        try h.desire(image: "v6", version: "6.0.1", sha256: stored.sha256)
        try h.commit("firmware 6.0.1 everywhere")
        return stored
    }

    @Test func aRolloutWithCanaryAndBatchesFlashesEveryDeviceOnceAndVerifiesTheVersion() async throws {
        let h = try FirmwareHarness(count: 12)
        defer { Task { await h.stop() } }
        try await h.startDaemon()
        try await h.startFleet()
        #expect(await eventuallyTrue(timeout: .seconds(120)) { try await h.connectedCount() == h.count })
        let bootsBefore = try await h.snapshots().mapValues(\.bootCount)
        _ = try await Self.prepare(
            h, rollout: "maxConcurrent: 4\ncanary: 2\nsoak: 1s\nbatchSize: 50%\nmaxFailures: 0\npause: 0s")
        #expect(await eventuallyTrue(timeout: .seconds(120)) {
            try await h.rollouts().rollouts.first?.phase == "finished"
        })
        let list = try await h.rollouts()
        let rollout = try #require(list.rollouts.first)
        #expect(rollout.counts["done"] == 12, "\(rollout)")
        #expect(rollout.batches.map(\.devices.count) == [2, 6, 4], "canary 2, then batches of 50% of 12")
        #expect(rollout.batches.first?.canary == true)
        let sims = try await h.snapshots()
        for code in h.codes {
            #expect(sims[code]?.identity.firmwareVersion == "6.0.1", "\(code)")
            #expect(sims[code]?.firmwareFlashes == 1, "\(code) flashed exactly once")
        }
        #expect(try await h.events(.firmwareUpdateSucceeded).count == 12)
        #expect(try await h.events(.firmwareTransferSucceeded).count == 12)
        #expect(try await h.events(.firmwareUpdateStarted).count == 12)
        #expect(try await h.events(.firmwareRolloutFinished).count == 1)
        #expect(try await h.events(.firmwareRolloutBatchDone).count == 3)
        #expect(try await h.events(.firmwareRolloutStarted).first?.user?.hasPrefix("Fiona") == true, "the commit author")
        // Every device rebooted, inside the expected window (state `rebooting`): no DOWN (`device.disconnected`).
        #expect(h.codes.allSatisfy { sims[$0]!.bootCount == bootsBefore[$0]! + 1 }, "one reboot each")
        let downs = try await h.events(.deviceDisconnected)
        #expect(downs.isEmpty, "\(downs.map { "\($0.device ?? "") \($0.details)" })")

        // A new commit: every device already runs 6.0.1 → skipped with the event, nothing flashed again.
        try h.write("devices/fw1.yaml", "apiVersion: cms/v1\nkind: Device\ncode: fw1\nname: first\nproduct: NXR-230\n")
        try h.commit("rename fw1")
        #expect(await eventuallyTrue(timeout: .seconds(30)) {
            try await h.events(.firmwareTransferSkippedSameVersion).count == 12
        })
        try await Task.sleep(for: .seconds(1))
        #expect(try await h.rollouts().rollouts.count == 1, "no new rollout for devices on the version")
        #expect(try await h.snapshots().values.allSatisfy { $0.firmwareFlashes == 1 })

        // The image is in use: removing it is refused, naming the user.
        let images = try await h.daemon.firmwareImages(FirmwareHarness.tenant)
        await #expect {
            _ = try await h.daemon.removeFirmwareImage(FirmwareHarness.tenant, sha256: images[0].sha256, user: "t")
        } throws: { error in
            (error as? APIError)?.code == "image-in-use" && "\(error)".contains("group all")
        }
    }

    /// The issue's proof: 200 devices, canary 5, batches of 20%, maxConcurrent 40; every device verified on the new
    /// version and flashed once.
    @Test func twoHundredDevicesWithCanaryFiveAndBatchesOfTwentyPercentAllEndOnTheNewVersion() async throws {
        let h = try FirmwareHarness(count: 200)
        defer { Task { await h.stop() } }
        try await h.startDaemon()
        try await h.startFleet()
        _ = try await Self.prepare(
            h, rollout: "maxConcurrent: 40\ncanary: 5\nsoak: 1s\nbatchSize: 20%\nmaxFailures: 0")
        #expect(await eventuallyTrue(timeout: .seconds(600)) {
            try await h.rollouts().rollouts.first?.phase == "finished"
        })
        let rollout = try #require(try await h.rollouts().rollouts.first)
        #expect(rollout.batches.map(\.devices.count) == [5, 40, 40, 40, 40, 35])
        #expect(rollout.counts["done"] == 200, "\(rollout.counts) \(rollout.failed)")
        let sims = try await h.snapshots()
        #expect(sims.values.filter { $0.identity.firmwareVersion == "6.0.1" }.count == 200)
        #expect(sims.values.allSatisfy { $0.firmwareFlashes == 1 })
        #expect(try await h.events(.firmwareUpdateSucceeded).count == 200)
    }

    @Test func failuresOverTheThresholdStopTheRolloutListingExactlyTheFailedDevices() async throws {
        let h = try FirmwareHarness(count: 8)
        defer { Task { await h.stop() } }
        try await h.startDaemon()
        try await h.startFleet()
        #expect(await eventuallyTrue(timeout: .seconds(120)) { try await h.connectedCount() == h.count })
        var faults = DeviceFaults()
        faults.firmwareTransferFailure = true
        for code in ["fw2", "fw5"] { try await #require(h.fleet.device(code)).setFaults(faults).get() }
        let bootsBefore = try await h.snapshots().mapValues(\.bootCount)
        _ = try await Self.prepare(
            h, rollout: "maxConcurrent: 40\nbatchSize: 100%\nmaxFailures: 1\ntransferRetries: 1")
        #expect(await eventuallyTrue(timeout: .seconds(120)) {
            try await h.rollouts().rollouts.first?.phase == "stalled"
        })
        let rollout = try #require(try await h.rollouts().rollouts.first)
        #expect(rollout.failed.keys.sorted() == ["fw2", "fw5"])
        #expect(rollout.reason?.hasSuffix("fw2, fw5") == true, "\(rollout.reason ?? "")")
        #expect(await eventuallyTrue(timeout: .seconds(10)) { try await h.events(.firmwareRolloutStalled).count == 1 })
        let stalled = try await h.events(.firmwareRolloutStalled)
        #expect(stalled.first?.details["devices"] == "fw2,fw5")
        // A failed transfer never reboots the device, and was tried again once (transferRetries: 1).
        let sims = try await h.snapshots()
        for code in ["fw2", "fw5"] {
            #expect(sims[code]?.bootCount == bootsBefore[code], "\(code) was not rebooted")
            #expect(sims[code]?.firmwareFlashes == 0)
            #expect(sims[code]?.identity.firmwareVersion == "5.0.0")
        }
        #expect(try await h.events(.firmwareTransferFailed).filter { $0.device == "fw2" }.count == 2)

        // Resume: the failures are tolerated; the rest (already done here) stays; nothing is flashed twice.
        for code in ["fw2", "fw5"] { try await #require(h.fleet.device(code)).setFaults(DeviceFaults()).get() }
        _ = try await h.daemon.resumeRollout(FirmwareHarness.tenant, id: rollout.id, user: "ops")
        #expect(try await h.events(.firmwareRolloutResumed).first?.user == "ops")
        #expect(await eventuallyTrue(timeout: .seconds(60)) {
            try await h.rollouts().rollouts.first?.phase == "finished"
        })
        #expect(try await h.snapshots().values.allSatisfy { $0.firmwareFlashes <= 1 })
    }

    @Test func aClosedWindowStartsNothingAndShowsTheNextWindow() async throws {
        let h = try FirmwareHarness(count: 3)
        defer { Task { await h.stop() } }
        try await h.startDaemon()
        try await h.startFleet()
        // A daily window (every weekday) starting 6 hours from now, UTC: closed now.
        let later = Date().addingTimeInterval(6 * 3600)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.hour, .minute], from: later)
        let start = String(format: "%02d:%02d", parts.hour!, parts.minute!)
        _ = try await Self.prepare(
            h, rollout: "maxConcurrent: 40\nwindows: [later]",
            windows: "  - {name: later, weekly: [mon, tue, wed, thu, fri, sat, sun], start: \"\(start)\", duration: 1h}\n")
        #expect(await eventuallyTrue(timeout: .seconds(30)) {
            try await h.rollouts().rollouts.first?.phase == "waiting-for-window"
        })
        try await Task.sleep(for: .seconds(2))
        let list = try await h.rollouts()
        #expect(list.windowOpen == false)
        #expect(list.nextWindow == "later")
        let next = try #require(list.nextWindowStart)
        let expected = Int64(later.timeIntervalSince1970) / 60 * 60
        #expect(abs(next.microsecondsSince1970 / 1_000_000 - expected) <= 60)
        #expect(list.rollouts.first?.counts["pending"] == 3)
        #expect(try await h.snapshots().values.allSatisfy { $0.firmwareFlashes == 0 }, "nothing started")
        #expect(try await h.events(.firmwareUpdateStarted).isEmpty)
    }
}
