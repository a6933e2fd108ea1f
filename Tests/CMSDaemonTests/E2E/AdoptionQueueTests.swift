import CMSDaemon
import CMSModel
import CMSReconcile
import Foundation
import NXRSim
import Testing

/// Adopting a revision while devices run: the work queue keeps what runs and what waits (issue 10).
@Suite(.serialized) struct AdoptionQueueTests {
    /// Before the fix, adopting a revision replaced the queue: the device still running was started a second time
    /// on the same session (its `lock` was then denied) and the first run's end marked the second one finished.
    @Test func aRevisionAdoptedWhileADeviceRunsDoesNotStartItASecondTime() async throws {
        let harness = try ReconcileHarness()
        try await harness.start(drift: .seconds(3600))
        let first = try FaultTests.head(harness)
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: first) })
        let sim = try #require(harness.fleet.device("nxr01"))
        var slow = DeviceFaults()
        slow.replyDelay = 1  // a run of ~8 RPCs lasts ≥ 8 s: the next revision is adopted while it runs
        try await sim.setFaults(slow).get()
        try harness.writeBaseline("nxr01", mtu: 1380)
        let middle = try harness.commit("nxr01: smaller MTU")
        await harness.controller.refresh()
        #expect(await eventuallyTrue { await harness.sync("nxr01")?.condition.reason == SyncReason.applying.rawValue })

        try harness.writeBaseline("nxr01", mtu: 1360)
        let second = try harness.commit("nxr01: smaller still")
        await harness.controller.refresh()
        let running = await harness.controller.runningDevices()
        #expect(running.filter { $0 == "nxr01" }.count == 1, "one run of nxr01, not two: \(running)")
        try await sim.setFaults(DeviceFaults()).get()

        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: second, devices: ["nxr01"]) })
        #expect(try await harness.interfaceLeaf("nxr01", "ppp0", "mtu") == "1360")
        let failures = try await harness.events(.gitApplyFailed).filter { $0.device == "nxr01" }
        #expect(failures.isEmpty, "no run of nxr01 met another one's lock: \(failures.map(\.details))")
        let history = try #require(await harness.sync("nxr01")).history
        let runs = history.filter { [middle, second].contains($0.revision) }
        #expect(!runs.isEmpty && !runs.contains { $0.outcome == .failed }, "\(runs.map(\.message))")
        await harness.stop()
    }
}
