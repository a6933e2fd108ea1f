import CRP
import Foundation
import NETCONF
import Testing
@testable import NXRSim

/// Every run-time fault, injected through the same API the control interface uses.
@Suite struct FaultTests {
    static let getConfig = "<get-config><source><running/></source></get-config>"
    static func setHostname(_ name: String, target: String = "running") -> String {
        "<edit-config><target><\(target)/></target><config><system xmlns=\"\(SimModel.namespace)\"><hostname>\(name)</hostname></system></config></edit-config>"
    }

    func with(_ change: (inout DeviceFaults) -> Void) -> DeviceFaults {
        var faults = DeviceFaults()
        change(&faults)
        return faults
    }

    @Test func refusedConnectionsComeBackWhenTheFaultIsCleared() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "refuse1")
        let knownHosts = try await fleet.knownHosts(for: device)
        try await device.setFaults(self.with { $0.refuseConnections = true }).get()
        let refused = try await SSHNetconf.run(fleet, device, [Self.getConfig], knownHosts: knownHosts)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("Connection refused"), "\(refused.stderr)")
        try await device.setFaults(DeviceFaults()).get()
        let back = try await SSHNetconf.run(fleet, device, [Self.getConfig], knownHosts: knownHosts)
        #expect(back.status == 0)
    }

    @Test func aSessionDroppedMidRPCGetsNoReply() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "drop1")
        try await device.setFaults(self.with { $0.dropSessionMidRPC = true }).get()
        let result = try await SSHNetconf.run(fleet, device, [Self.getConfig])
        #expect(result.stdout.contains("<hello"))
        #expect(!result.stdout.contains("rpc-reply"))
        #expect(result.status != 0)
    }

    @Test func delayedRepliesTakeAtLeastTheDelay() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "delay1")
        try await device.setFaults(self.with { $0.replyDelay = 1.0 }).get()
        let started = Date()
        let result = try await SSHNetconf.run(fleet, device, [Self.getConfig])
        #expect(Date().timeIntervalSince(started) >= 1.0)
        #expect(result.stdout.contains("<hostname>nxr-delay1</hostname>"))
    }

    @Test func editsAreRejectedWithAnRPCError() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "reject1")
        try await device.setFaults(self.with { $0.rejectEdits = true }).get()
        let result = try await SSHNetconf.run(fleet, device, [Self.setHostname("nope")])
        #expect(result.stdout.contains("<error-tag>operation-failed</error-tag>"))
        let running = try await device.runningTree().get()
        #expect(running.child("system", namespace: SimModel.namespace)?.child("hostname")?.text == "nxr-reject1")
    }

    @Test func aCrashDuringCommitRebootsWithTheOldConfig() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "crash1", rebootDelay: 0.3)
        try await device.setFaults(self.with { $0.crashDuringCommit = true }).get()
        let edit = try await SSHNetconf.run(fleet, device, [Self.setHostname("lost", target: "candidate")])
        #expect(edit.stdout.contains("<ok/>"))
        let result = try await SSHNetconf.run(fleet, device, ["<commit/>"])
        #expect(!result.stdout.contains("message-id=\"1\""), "the commit must get no reply")
        #expect(result.status != 0)
        #expect(try await SSHNetconf.eventually { try await device.snapshot().get().bootCount == 2 })
        #expect(try await SSHNetconf.eventually { try await device.snapshot().get().lifecycle == .running })
        let running = try await device.runningTree().get()
        #expect(running.child("system", namespace: SimModel.namespace)?.child("hostname")?.text == "nxr-crash1")
        #expect(try await device.snapshot().get().faults.crashDuringCommit == false, "a crash fires once")
    }

    @Test func aChangedHostKeyFailsStrictHostKeyChecking() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "hostkey1")
        let oldKnownHosts = try await fleet.knownHosts(for: device)
        let oldKey = try await device.snapshot().get().hostKey
        let newKey = try await device.rotateHostKey().get()
        #expect(newKey != oldKey)
        let result = try await SSHNetconf.run(fleet, device, [Self.getConfig], knownHosts: oldKnownHosts)
        #expect(result.status != 0)
        #expect(
            result.stderr.contains("REMOTE HOST IDENTIFICATION HAS CHANGED")
                || result.stderr.contains("Host key verification failed"))
    }

    @Test func wrongProductAndDeviceCodeAreAnnounced() async throws {
        let collector = try await CRPCollector()
        defer { Task { await collector.close() } }
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "liar1", crpServer: collector.address)
        try await device.setFaults(
            self.with {
                $0.announceProduct = "NXR-1200"
                $0.announceDeviceCode = "someone"
            }
        ).get()
        try await device.announceNow().get()
        #expect(await SSHNetconf.eventually { collector.announcements.contains { $0.product == "NXR-1200" } })
        let lie = try #require(collector.announcements.last)
        #expect(lie.cpeID == "someone")
        #expect(collector.announcements.first?.product == "NXR-120")
    }

    @Test func driftChangesRunningOutOfBandAndTellsSubscribers() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "drift1")
        let edit = try XML.parse(
            "<config><system xmlns=\"\(SimModel.namespace)\"><hostname>console-edit</hostname></system></config>")
        let errors = try await device.changeOutOfBand(edit.elements).get()
        #expect(errors.isEmpty)
        let running = try await device.runningTree().get()
        #expect(running.child("system", namespace: SimModel.namespace)?.child("hostname")?.text == "console-edit")
        let saved = try String(
            contentsOf: fleet.directory.appendingPathComponent("drift1/running.xml"), encoding: .utf8)
        #expect(saved.contains("console-edit"))
    }

    @Test func aRebootLoopKeepsRebooting() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "loop1", rebootDelay: 0.1)
        try await device.setFaults(self.with { $0.rebootLoop = 0.2 }).get()
        #expect(try await SSHNetconf.eventually { try await device.snapshot().get().bootCount >= 4 })
        try await device.setFaults(DeviceFaults()).get()
        #expect(try await SSHNetconf.eventually { try await device.snapshot().get().lifecycle == .running })
        let settled = try await device.snapshot().get().bootCount
        try await Task.sleep(for: .milliseconds(600))
        #expect(try await device.snapshot().get().bootCount == settled, "clearing the fault stops the loop")
    }
}
