import CMSModel
import Testing

@testable import CMSReconcile

private func codes(_ n: Int) -> [String] { (0..<n).map { String(format: "d%03d", $0) } }
private let t0 = Timestamp.seconds(1_000_000)

/// The rollout value: canary, soak, batches, cap, failure threshold, pauses, windows (docs/firmware.md).
@Suite("Firmware rollout")
struct FirmwareRolloutTests {
    static func starts(_ actions: [FirmwareRollout.Action]) -> [String] {
        actions.compactMap { if case .start(let d) = $0 { d } else { nil } }
    }

    @Test("canary 5 alone, soak, then batches of 20% under a cap of 40; 200 devices finish")
    func canaryThenBatches() {
        let all = codes(200)
        var r = FirmwareRollout(
            id: "r", image: "img", version: "2", devices: all, canary: 5, batchSize: Amount.percent(20).resolve(total: 200),
            policy: .init(maxConcurrent: 40, soakSeconds: 600), now: t0)
        #expect(r.batches.map(\.count) == [5, 40, 40, 40, 40, 35])
        var actions = r.tick(now: t0, windowOpen: true)
        #expect(actions.first == .batchStarted(index: 0, devices: Array(all.prefix(5))))
        #expect(Self.starts(actions) == Array(all.prefix(5)))
        // Nothing else while the canary runs.
        #expect(r.tick(now: t0 + .seconds(1), windowOpen: true) == [])
        for d in all.prefix(4) { #expect(Self.starts(r.deviceFinished(d, .done, now: t0, windowOpen: true)) == []) }
        actions = r.deviceFinished(all[4], .done, now: t0, windowOpen: true)
        #expect(actions == [.batchDone(index: 0)])
        #expect(r.phase == .soaking)
        #expect(r.tick(now: t0 + .seconds(599), windowOpen: true) == [])
        actions = r.tick(now: t0 + .seconds(600), windowOpen: true)
        #expect(Self.starts(actions) == Array(all[5..<45]))
        var now = t0 + .seconds(600)
        var finished = false
        var guardCount = 0
        while !finished && guardCount < 1000 {
            guardCount += 1
            let flying = r.inFlightDevices
            #expect(flying.count <= 40)
            guard let d = flying.first else { break }
            now = now + .seconds(1)
            finished = r.deviceFinished(d, .done, now: now, windowOpen: true).contains(.finished)
        }
        #expect(finished)
        #expect(r.phase == .finished)
        #expect(r.counts["done"] == 200)
    }

    @Test("the cap holds inside a batch: a finished device lets exactly one more start")
    func capInsideBatch() {
        var r = FirmwareRollout(
            id: "r", image: "i", version: "2", devices: codes(10), canary: 0, batchSize: 10,
            policy: .init(maxConcurrent: 3), now: t0)
        #expect(Self.starts(r.tick(now: t0, windowOpen: true)) == ["d000", "d001", "d002"])
        #expect(Self.starts(r.deviceFinished("d001", .done, now: t0, windowOpen: true)) == ["d003"])
        #expect(Self.starts(r.deviceFinished("d000", .skipped("same"), now: t0, windowOpen: true)) == ["d004"])
    }

    struct ThresholdCase: Sendable, CustomTestStringConvertible {
        var maxFailures: Int
        var failures: Int
        var stalls: Bool
        var testDescription: String { "maxFailures \(maxFailures), \(failures) failed → \(stalls ? "stalled" : "runs")" }
    }

    @Test(
        "more failures than maxFailures stall the rollout, listing exactly the failed devices",
        arguments: [
            ThresholdCase(maxFailures: 0, failures: 1, stalls: true),
            ThresholdCase(maxFailures: 2, failures: 2, stalls: false),
            ThresholdCase(maxFailures: 2, failures: 3, stalls: true),
        ])
    func threshold(_ c: ThresholdCase) {
        var r = FirmwareRollout(
            id: "r", image: "i", version: "2", devices: codes(20), canary: 0, batchSize: 20,
            policy: .init(maxConcurrent: 10, maxFailures: c.maxFailures), now: t0)
        _ = r.tick(now: t0, windowOpen: true)
        var last: [FirmwareRollout.Action] = []
        for i in 0..<c.failures {
            last = r.deviceFinished(codes(20)[i], .failed("boom"), now: t0, windowOpen: true)
        }
        let failed = Array(codes(20).prefix(c.failures))
        if c.stalls {
            #expect(r.phase == .stalled)
            #expect(last.count == 1)
            if case .stalled(_, let list) = last.first { #expect(list == failed) } else { Issue.record("no stall") }
            // Nothing new starts while stalled; in-flight ones still finish.
            #expect(r.deviceFinished(codes(20)[5], .done, now: t0, windowOpen: true) == [])
            #expect(r.tick(now: t0 + .seconds(99), windowOpen: true) == [])
            #expect(r.failedDevices == failed)
        } else {
            #expect(r.phase == .running)
            #expect(Self.starts(last) == ["d0\(String(format: "%02d", 10 + c.failures - 1))"])
        }
    }

    @Test("resume tolerates the failures so far; one more over the threshold stalls again")
    func resume() {
        var r = FirmwareRollout(
            id: "r", image: "i", version: "2", devices: codes(6), canary: 0, batchSize: 6,
            policy: .init(maxConcurrent: 2, maxFailures: 0), now: t0)
        _ = r.tick(now: t0, windowOpen: true)
        _ = r.deviceFinished("d000", .failed("x"), now: t0, windowOpen: true)
        #expect(r.phase == .stalled)
        _ = r.deviceFinished("d001", .done, now: t0, windowOpen: true)
        let actions = r.resume(now: t0, windowOpen: true)
        #expect(actions.first == .resumed)
        #expect(Self.starts(actions) == ["d002", "d003"])
        _ = r.deviceFinished("d002", .failed("y"), now: t0, windowOpen: true)
        #expect(r.phase == .stalled)
        #expect(r.failedDevices == ["d000", "d002"])
    }

    @Test("a closed window starts nothing, in-flight devices finish, the next window starts the rest")
    func windows() {
        var r = FirmwareRollout(
            id: "r", image: "i", version: "2", devices: codes(4), canary: 0, batchSize: 4,
            policy: .init(maxConcurrent: 2), now: t0)
        #expect(r.tick(now: t0, windowOpen: false) == [.batchStarted(index: 0, devices: codes(4))])
        #expect(r.phase == .waitingForWindow)
        #expect(Self.starts(r.tick(now: t0, windowOpen: true)) == ["d000", "d001"])
        // The window closes: d000 finishes, nothing new starts.
        #expect(r.deviceFinished("d000", .done, now: t0, windowOpen: false) == [])
        #expect(r.phase == .waitingForWindow)
        #expect(r.inFlightDevices == ["d001"])
        #expect(Self.starts(r.tick(now: t0 + .seconds(3600), windowOpen: true)) == ["d002"])
    }

    @Test("pause between batches; skipped devices are not in any batch")
    func pauseAndSkips() {
        var r = FirmwareRollout(
            id: "r", image: "i", version: "2", devices: codes(5), skipped: ["d001": "already runs 2"], canary: 0,
            batchSize: 2, policy: .init(maxConcurrent: 40, pauseSeconds: 60), now: t0)
        #expect(r.batches == [["d000", "d002"], ["d003", "d004"]])
        #expect(r.counts["skipped"] == 1)
        _ = r.tick(now: t0, windowOpen: true)
        _ = r.deviceFinished("d000", .done, now: t0, windowOpen: true)
        #expect(r.deviceFinished("d002", .done, now: t0, windowOpen: true) == [.batchDone(index: 0)])
        #expect(r.phase == .pausing)
        #expect(r.tick(now: t0 + .seconds(59), windowOpen: true) == [])
        #expect(Self.starts(r.tick(now: t0 + .seconds(60), windowOpen: true)) == ["d003", "d004"])
    }

    @Test("an empty rollout (everything skipped) finishes at once")
    func empty() {
        var r = FirmwareRollout(
            id: "r", image: "i", version: "2", devices: ["a"], skipped: ["a": "same"], canary: 3, batchSize: 1,
            policy: .init(maxConcurrent: 1), now: t0)
        #expect(r.tick(now: t0, windowOpen: true) == [.finished])
    }

    @Test("a requeued in-flight device starts again (its operation never reached the device)")
    func requeue() {
        var r = FirmwareRollout(
            id: "r", image: "i", version: "2", devices: codes(2), canary: 0, batchSize: 2,
            policy: .init(maxConcurrent: 1), now: t0)
        #expect(Self.starts(r.tick(now: t0, windowOpen: true)) == ["d000"])
        r.requeue("d000")
        #expect(Self.starts(r.tick(now: t0, windowOpen: true)) == ["d000"])
    }

    struct CheckCase: Sendable, CustomTestStringConvertible {
        var product: String
        var reported: String?
        var expected: FirmwarePlanner.Check
        var testDescription: String { "\(product) on \(reported ?? "nil")" }
    }

    @Test(
        "per-device check: same version skips, product mismatch is not updated, unknown version fails",
        arguments: [
            CheckCase(product: "NXR-230", reported: "5.26.0", expected: .update),
            CheckCase(product: "NXR-230", reported: "6.0.0", expected: .sameVersion("6.0.0")),
            CheckCase(
                product: "NXR-120", reported: "5.26.0",
                expected: .productMismatch("the image is for NXR-230, the device is NXR-120")),
            CheckCase(product: "NXR-230", reported: nil, expected: .versionUnknown),
            CheckCase(product: "NXR-230", reported: "", expected: .versionUnknown),
        ])
    func check(_ c: CheckCase) {
        let image = FirmwareImage(
            name: "v6", product: .nxr230, version: "6.0.0", source: .url("http://x/"), sha256: String(repeating: "a", count: 64))
        #expect(FirmwarePlanner.check(image: image, product: c.product, reportedVersion: c.reported) == c.expected)
    }

    @Test("amounts: counts as given, percentages round up")
    func amounts() {
        #expect(Amount.percent(20).resolve(total: 200) == 40)
        #expect(Amount.percent(10).resolve(total: 5) == 1)
        #expect(Amount.percent(0).resolve(total: 5) == 0)
        #expect(Amount.count(3).resolve(total: 1) == 3)
        #expect(Amount.percent(33).resolve(total: 10) == 4)
    }
}
