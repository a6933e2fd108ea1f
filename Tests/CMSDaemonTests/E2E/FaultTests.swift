import CMSAPI
import CMSDaemon
import CMSModel
import CMSReconcile
import Foundation
import Logging
import NETCONF
import NXRSim
import Testing

/// End to end with misbehaving devices: failures stay on their device, nothing is left half-applied, drift is
/// corrected, suspended devices are not contacted.
@Suite(.serialized, .tags(.peer)) struct FaultTests {
    static func head(_ harness: ReconcileHarness) throws -> String {
        try harness.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func anRPCErrorOnOneDeviceDoesNotKeepTheOthersFromConverging() async throws {
        let harness = try ReconcileHarness()
        try await harness.start()
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: try Self.head(harness)) })
        var faults = DeviceFaults()
        faults.rejectEdits = true
        try await #require(harness.fleet.device("nxr01")).setFaults(faults).get()
        for code in ["nxr01", "nxr02", "nxr03"] { try harness.writeBaseline(code, mtu: 1380) }
        let revision = try harness.commit("smaller MTU everywhere")
        #expect(await eventuallyTrue(timeout: .seconds(60)) {
            await harness.converged(at: revision, devices: ["nxr02", "nxr03", "ebisu"])
        })
        // The simulator refuses with `operation-failed`: a transient class, so nxr01 waits for a retry.
        #expect(await eventuallyTrue { await harness.sync("nxr01")?.condition.reason == "RetryScheduled" })
        let nxr01 = try #require(await harness.sync("nxr01"))
        #expect(nxr01.condition.status == .reconciling)
        #expect(nxr01.nextRetry != nil)
        #expect(nxr01.consecutiveFailures >= 1)
        #expect(nxr01.lastAppliedRevision != revision)
        #expect(nxr01.lastError?.contains("rpc-error") == true)
        #expect(try await harness.interfaceLeaf("nxr01", "ppp0", "mtu") == "1454", "nothing of the refused edit is active")
        #expect(try await harness.interfaceLeaf("nxr02", "ppp0", "mtu") == "1380")
        let failures = try await harness.events(.gitApplyFailed).filter { $0.device == "nxr01" && $0.revision == revision }
        #expect(!failures.isEmpty)
        #expect(failures.first?.details["class"] == "retry")
        #expect(failures.first?.details["step"] == "edit-config")

        // The operator fixes the device and asks for a reconcile: it converges.
        try await #require(harness.fleet.device("nxr01")).setFaults(DeviceFaults()).get()
        let accepted = try await harness.daemon.reconcile(ReconcileHarness.tenant, device: "nxr01", user: "operator")
        #expect(accepted.devices == ["nxr01"])
        #expect(await eventuallyTrue(timeout: .seconds(30)) { await harness.converged(at: revision, devices: ["nxr01"]) })
        #expect(try await harness.interfaceLeaf("nxr01", "ppp0", "mtu") == "1380")
        await harness.stop()
    }

    @Test func aSessionLostDuringTheCommitLeavesNothingHalfAppliedAndTheDeviceConvergesAfterRecovery() async throws {
        let harness = try ReconcileHarness()
        try await harness.start()
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: try Self.head(harness)) })
        let sim = try #require(harness.fleet.device("nxr03"))
        var faults = DeviceFaults()
        faults.crashDuringCommit = true
        try await sim.setFaults(faults).get()
        let bootsBefore = try await sim.snapshot().get().bootCount
        try harness.writeBaseline("nxr03", mtu: 1360, description: "fibre")
        let revision = try harness.commit("nxr03 moves to fibre")
        #expect(await eventuallyTrue(timeout: .seconds(30)) { try await sim.snapshot().get().bootCount > bootsBefore })
        // Right after the crash the device runs either the old or (never) a partial configuration.
        let mtu = try await harness.interfaceLeaf("nxr03", "ppp0", "mtu")
        let description = try await harness.interfaceLeaf("nxr03", "ppp0", "description")
        #expect((mtu == "1454" && description == "pppoe") || (mtu == "1360" && description == "fibre"))
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: revision, devices: ["nxr03"]) })
        #expect(try await harness.interfaceLeaf("nxr03", "ppp0", "mtu") == "1360")
        #expect(try await harness.interfaceLeaf("nxr03", "ppp0", "description") == "fibre")
        #expect(try await sim.snapshot().get().confirmedCommitPending == false)
        let history = try #require(await harness.sync("nxr03")).history
        #expect(history.contains { $0.outcome == .failed }, "the interrupted run is in the history")
        #expect(try await harness.state.openApplies().isEmpty, "no apply intent stays open")
        await harness.stop()
    }

    @Test func driftIsDetectedAndCorrected() async throws {
        let harness = try ReconcileHarness()
        try await harness.start(drift: .milliseconds(500))
        let revision = try Self.head(harness)
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: revision) })
        let sim = try #require(harness.fleet.device("nxr02"))
        let edit = XMLElement(
            "interfaces", namespace: "urn:cms:nxr:1.0",
            elements: [
                XMLElement(
                    "interface", namespace: "urn:cms:nxr:1.0",
                    elements: [
                        XMLElement("name", namespace: "urn:cms:nxr:1.0", text: "ppp0"),
                        XMLElement("mtu", namespace: "urn:cms:nxr:1.0", text: "1200"),
                    ])
            ])
        let errors = try await sim.changeOutOfBand([edit]).get()
        #expect(errors.isEmpty)
        #expect(try await harness.interfaceLeaf("nxr02", "ppp0", "mtu") == "1200")
        #expect(await eventuallyTrue(timeout: .seconds(30)) {
            try await !harness.events(.gitDriftDetected).filter { $0.device == "nxr02" }.isEmpty
        })
        #expect(await eventuallyTrue(timeout: .seconds(30)) { try await harness.interfaceLeaf("nxr02", "ppp0", "mtu") == "1454" })
        let drift = try await harness.events(.gitDriftDetected).first { $0.device == "nxr02" }
        #expect(drift?.revision == revision)
        #expect(await eventuallyTrue { await harness.sync("nxr02")?.history.first?.outcome == .drifted })
        await harness.stop()
    }

    @Test func aSuspendedDeviceIsIgnoredOnCRPAndNeverContacted() async throws {
        let harness = try ReconcileHarness()
        try await harness.start()
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: try Self.head(harness)) })
        var logger = Logger(label: "e2e.suspended")
        logger.logLevel = .critical
        let fleet = Fleet(group: ReconcileHarness.group, logger: logger)
        var settings = try FleetPlan.single(
            code: "iidabashi", tenant: ReconcileHarness.tenant, product: "NXR-120",
            address: LoopbackAddressForTests.next(harness.prefix), port: 0,
            stateDirectory: harness.folder.appendingPathComponent("iidabashi"), authorized: harness.authorized,
            crpServer: harness.crpServer)
        settings.crpSecret = ReconcileHarness.crpSecret  // a correctly signed announcement, refused for suspension
        let sim = try fleet.add(settings)
        try await sim.start().get()
        #expect(await eventuallyTrue { try await sim.snapshot().get().announcements >= 1 })
        #expect(await eventuallyTrue { await harness.daemon.directory.counters.suspendedDevice >= 1 })
        try await Task.sleep(for: .seconds(1))
        let snapshot = try await sim.snapshot().get()
        #expect(snapshot.sessionsOpened == 0)
        #expect(snapshot.rpcsReceived == 0)
        let summary = try await harness.summaries().first { $0.code == "iidabashi" }
        #expect(summary?.state == .suspended)
        #expect(await harness.sync("iidabashi")?.condition.reason == "Suspended")
        #expect(await harness.sync("iidabashi")?.condition.status == .suspended, "its own status, not stalled")
        // The tenant's condition counts failing devices only: shinjuku (its declared host key is not the
        // simulator's, so it is blocked) is one; suspended iidabashi is the operator's choice, not a failure.
        let tenant = try await harness.daemon.tenantStatus(ReconcileHarness.tenant)
        #expect(
            tenant.condition.message == "1 device(s) stalled, 1 blocked by a host-key mismatch (1 suspended)",
            "\(tenant.condition)")
        #expect(tenant.condition.reason == "HostKeyMismatch", "what the stalled devices share")
        await fleet.stopAll()
        await harness.stop()
    }
}

enum LoopbackAddressForTests {
    /// An address of the harness's /24 far above the fleet's.
    static func next(_ prefix: String) -> String {
        var parts = prefix.split(separator: ".").map(String.init)
        parts[3] = "250"
        return parts.joined(separator: ".")
    }
}
