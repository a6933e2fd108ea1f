import Foundation
import NETCONF
import Testing
@testable import NXRSim

/// The control interface over HTTP, driven by curl.
@Suite struct ControlServerTests {
    func curl(_ arguments: [String]) throws -> String {
        let result = try Shell.run("/usr/bin/curl", ["-s", "--max-time", "60"] + arguments)
        return result.stdout
    }

    @Test func listsDevicesShowsRunningSetsFaultsDriftsAndMovesTime() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "ctl1")
        try await fleet.start(code: "ctl2")
        let channel = try await ControlServer.bind(fleet: fleet.fleet, host: "127.0.0.1", port: 0)
        defer { _ = channel.close() }
        let base = "http://127.0.0.1:\(channel.localAddress?.port ?? 0)"

        let list = try JSONDecoder().decode([DeviceSnapshot].self, from: Data(try self.curl([base + "/devices"]).utf8))
        #expect(list.map(\.name) == ["ctl1", "ctl2"])
        #expect(list.allSatisfy { $0.lifecycle == .running })

        let running = try self.curl([base + "/devices/ctl1/running"])
        #expect(running.contains("<hostname>nxr-ctl1</hostname>"))

        let faulted = try self.curl([
            "-X", "PUT", "-d", #"{"rejectEdits": true, "replyDelay": 0.5}"#, base + "/devices/ctl1/faults",
        ])
        let snapshot = try JSONDecoder().decode(DeviceSnapshot.self, from: Data(faulted.utf8))
        #expect(snapshot.faults.rejectEdits && snapshot.faults.replyDelay == 0.5)
        #expect(try await device.snapshot().get().faults.rejectEdits)

        let drifted = try self.curl([
            "-X", "POST", "-d", "<system xmlns=\"\(SimModel.namespace)\"><hostname>drifted</hostname></system>",
            base + "/devices/ctl1/drift",
        ])
        #expect(drifted.contains("<hostname>drifted</hostname>"))

        let bad = try self.curl(["-X", "PUT", "-d", "not json", base + "/devices/ctl1/faults"])
        #expect(bad.contains("error"))
        let missing = try self.curl([base + "/devices/nope"])
        #expect(missing.contains("no device nope"))

        _ = try self.curl(["-X", "POST", base + "/time/pause"])
        #expect(fleet.fleet.clock.isPaused)
        let before = fleet.fleet.clock.now()
        _ = try self.curl(["-X", "POST", base + "/time/advance?seconds=3600"])
        #expect(fleet.fleet.clock.now().timeIntervalSince(before) == 3600)
        _ = try self.curl(["-X", "POST", base + "/time/resume"])
        #expect(!fleet.fleet.clock.isPaused)
    }

    @Test func advancingTimeExpiresAConfirmedCommit() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "ctltime")
        await fleet.fleet.pauseTime()
        let result = try await SSHNetconf.run(
            fleet, device,
            [
                "<edit-config><target><candidate/></target><config><system xmlns=\"\(SimModel.namespace)\"><hostname>trial</hostname></system></config></edit-config>",
                "<commit><confirmed/><persist>p1</persist></commit>",
            ])
        #expect(result.stdout.components(separatedBy: "<ok/>").count == 4)
        #expect(try await device.snapshot().get().confirmedCommitPending)
        await fleet.fleet.advanceTime(by: 599)
        #expect(try await device.snapshot().get().confirmedCommitPending)
        await fleet.fleet.advanceTime(by: 2)
        #expect(try await SSHNetconf.eventually { try await !device.snapshot().get().confirmedCommitPending })
        let running = try await device.runningTree().get()
        #expect(running.child("system", namespace: SimModel.namespace)?.child("hostname")?.text == "nxr-ctltime")
    }
}
