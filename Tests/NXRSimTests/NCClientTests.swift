import Foundation
import NETCONF
import Testing
@testable import NXRSim

/// An independent client — Debian's python3-ncclient over paramiko — against an in-process device.
@Suite struct NCClientTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Scripts/ncclient_check.py").path

    @Test func ncclientDoesHelloEditsConfirmedCommitAndAVendorRPC() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "ncclient1")
        let snapshot = try await device.snapshot().get()
        let hostKey = String(snapshot.hostKey.split(separator: " ")[1])
        let result = try Shell.run(
            "/usr/bin/python3", [Self.script, snapshot.address, String(snapshot.port), fleet.keyPath, hostKey],
            timeout: 90)
        #expect(result.status == 0, "ncclient failed:\n\(result.stdout)\n\(result.stderr.suffix(2000))")
        for step in [
            "ok: hello", "ok: capabilities", "ok: get-config hostname nxr-ncclient1", "ok: get serial",
            "ok: edit-config candidate + commit", "ok: confirmed-commit reverted on session close",
            "ok: confirmed-commit reverted on timeout", "ok: vendor rpc ping", "ok: rpc-error invalid-value",
            "done",
        ] {
            #expect(result.stdout.contains(step), "missing step \(step) in:\n\(result.stdout)")
        }
        #expect(result.stdout.contains("cipher aes128-ctr"), "paramiko did not pick aes128-ctr: \(result.stdout)")
        let running = try await device.runningTree().get()
        #expect(running.child("system", namespace: SimModel.namespace)?.child("hostname")?.text == "edited-by-ncclient")
    }
}
