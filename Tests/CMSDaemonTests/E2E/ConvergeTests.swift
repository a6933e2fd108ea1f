import CMSAPI
import CMSDaemon
import CMSModel
import CMSReconcile
import Foundation
import Testing

/// End to end on loopback: a real git repository, an in-process cmsd, an in-process NXRSim fleet.
@Suite(.serialized, .tags(.peer)) struct ConvergeTests {
    @Test func devicesAnnounceAreIdentifiedAndACommittedBaselineChangeIsAppliedAndVerified() async throws {
        let harness = try ReconcileHarness()
        defer { Task { await harness.stop() } }
        try await harness.start()
        let first = try harness.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let simulated = harness.fleet.devices.count
        #expect(simulated == 15)
        let connected = await eventuallyTrue(timeout: .seconds(60)) {
            let summaries = try await harness.summaries()
            return summaries.filter { $0.state == .connected }.count == simulated - 1
        }
        let states = try await harness.summaries().map { "\($0.code)=\($0.state.rawValue)" }
        #expect(connected, "every simulated device but shinjuku connects after its CRP announcement: \(states)")
        // shinjuku's YAML pins a host key the simulator does not have: blocked, and not one RPC is sent to it.
        let shinjuku = try await harness.daemon.device(ReconcileHarness.tenant, code: "shinjuku")
        #expect(shinjuku.hostKeyBlocked)
        #expect(try await harness.fleet.device("shinjuku")?.snapshot().get().rpcsReceived == 0)
        let identified = try await harness.summaries().filter { $0.state == .connected }
        #expect(identified.allSatisfy { $0.serial != nil && $0.firmwareVersion != nil })
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: first) })
        for device in ReconcileHarness.managed {
            #expect(try await harness.interfaceLeaf(device, "ppp0", "mtu") == "1454")
        }

        try harness.writeBaseline("nxr02", mtu: 1400)
        let second = try harness.commit("nxr02: smaller MTU", author: "Bob")
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: second) })
        #expect(try await harness.interfaceLeaf("nxr02", "ppp0", "mtu") == "1400")
        #expect(try await harness.interfaceLeaf("nxr01", "ppp0", "mtu") == "1454")
        let nxr02 = try #require(await harness.sync("nxr02"))
        #expect(nxr02.history.first { $0.revision == second }?.outcome == .applied)
        #expect(nxr02.condition.reason == "Applied")
        let applied = try await harness.events(.gitApplySucceeded).filter { $0.device == "nxr02" && $0.revision == second }
        #expect(applied.count == 1)
        #expect(applied.first?.user == "Bob <bob@example.com>")
        let snapshot = try #require(try await harness.fleet.device("nxr02")?.snapshot().get())
        #expect(!snapshot.confirmedCommitPending)
        let status = try await harness.daemon.tenantStatus(ReconcileHarness.tenant)
        #expect(status.lastAppliedRevision == second)
        await harness.stop()
    }

    @Test func aCommitWithLintErrorsIsNotAppliedAndTheLastGoodRevisionStays() async throws {
        let harness = try ReconcileHarness()
        try await harness.start()
        let good = try harness.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: good) })
        try harness.writeBaseline("nxr01", mtu: 1300)
        try harness.write("devices/nxr03.yaml", "apiVersion: cms/v1\nkind: Device\ncode: nxr03\nproduct: NXR-999\n")
        let bad = try harness.commit("broken device file", author: "Mallory")
        #expect(await eventuallyTrue { try await !harness.events(.gitLintFailed).filter { $0.revision == bad }.isEmpty })
        let status = try await harness.daemon.tenantStatus(ReconcileHarness.tenant)
        #expect(status.lastAppliedRevision == good)
        #expect(status.lastAttemptedRevision == bad)
        #expect(status.condition.reason == "LintFailed")
        #expect(!status.lintErrors.isEmpty)
        let lint = try await harness.events(.gitLintFailed).first { $0.revision == bad }
        #expect(lint?.user == "Mallory <mallory@example.com>")
        try await Task.sleep(for: .seconds(2))
        #expect(try await harness.interfaceLeaf("nxr01", "ppp0", "mtu") == "1454", "the rejected revision changed nothing")
        await harness.stop()
    }
}
