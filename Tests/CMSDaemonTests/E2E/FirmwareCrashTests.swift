import CMSAPI
import CMSDaemon
import CMSModel
import Foundation
import NXRSim
import TestSupport
import Testing

/// Exactly-once flashing across `kill -9` (issue 11): a real `cmsd` process is killed again and again while a
/// rollout runs; after the last restart every device runs the new version and the simulator counted exactly one
/// flash per device — never two (an open intent is never sent again blindly), never none (nothing forgotten).
@Suite(.serialized, .tags(.peer)) struct FirmwareCrashTests {
    static var binary: String { ReconcileHarness.packageRoot.appendingPathComponent(".build/debug/cmsd").path }

    @Test func killingCmsdRepeatedlyDuringARolloutFlashesEveryDeviceExactlyOnce() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build cmsd first (swift build --build-tests)")
        let kills = Int(ProcessInfo.processInfo.environment["CMS_FIRMWARE_KILLS"] ?? "") ?? 20
        let h = try FirmwareHarness(count: 16)
        defer { try? FileManager.default.removeItem(at: h.folder) }
        let crpPort = try LoopbackPort.free()
        let apiPort = try LoopbackPort.free()
        let firmwarePort = try LoopbackPort.free()
        let config = h.folder.appendingPathComponent("cmsd.yaml")
        try """
            dataFolder: data
            listen: {crp: "127.0.0.1:\(crpPort)", api: "127.0.0.1:\(apiPort)", firmware: "127.0.0.1:\(firmwarePort)"}
            timing: {retryBase: 300ms, retryCap: 2s, confirmTimeout: 30s, connectTimeout: 10s, rpcTimeout: 20s}
            tenants:
              - code: fw
                repo: {url: repo, branch: main}
                pollInterval: 300ms
                driftInterval: 1h
                username: admin
            """.write(to: config, atomically: true, encoding: .utf8)
        var process = try CrashRecoveryTests.launch(config: config.path, log: h.folder.appendingPathComponent("cmsd-0.log"))
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        #expect(await eventuallyTrue(timeout: .seconds(30)) {
            FileManager.default.fileExists(atPath: h.data + "/tenants/fw/api.token")
        })
        try await h.startFleet(crp: "127.0.0.1:\(crpPort)", rebootDelay: 0.3)
        defer { Task { await h.fleet.stopAll() } }
        let token = try String(contentsOfFile: h.data + "/tenants/fw/api.token", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let api = "http://127.0.0.1:\(apiPort)/api/v1/tenants/fw"
        #expect(await eventuallyTrue(timeout: .seconds(120)) {
            try await h.snapshots().values.allSatisfy { !$0.sessions.isEmpty }
        })

        // The image goes into the store through the API (streamed upload), then the desired version into git.
        let file = try h.image(version: "6.0.1", size: 2 << 20)
        let upload = try runProcess(
            "/usr/bin/curl",
            ["-sf", "-H", "Authorization: Bearer \(token)", "--data-binary", "@\(file.path)",
             "\(api)/firmware/images?product=NXR-230"])
        #expect(upload.status == 0, "\(upload.stderr)")
        let stored = try JSONDecoder().decode(StoredFirmwareImage.self, from: Data(upload.stdout.utf8))
        // rebootDeadline: after the last restart every device must be seen back within it, and on a loaded 2-core
        // machine a debug cmsd restarting and reconnecting 16 devices may take longer than 30 s (a CI run under load
        // stopped after the first batch — probably an updated device not seen back in time, failed, maxFailures 0;
        // the diagnosis printed on failure now says which).
        try h.writeTenant(rollout: "maxConcurrent: 4\nbatchSize: 25%\nmaxFailures: 0\nrebootDeadline: 120s")
        try h.desire(image: "v6", version: "6.0.1", sha256: stored.sha256)
        try h.commit("firmware 6.0.1")

        // kill -9 at random moments while the rollout runs, restarting at once each time.
        var generator = SystemRandomNumberGenerator()
        var midRollout = 0
        var round = 0
        var flashed = 0
        // `kills` rounds; on a loaded machine the rollout may start late, so more rounds (up to twice as many) until
        // at least 3 kills landed while it was under way.
        while round < kills || (midRollout < 3 && round < 2 * kills && flashed < h.count) {
            round += 1
            try await Task.sleep(for: .milliseconds(Int.random(in: 300...1500, using: &generator)))
            flashed = try await h.snapshots().values.filter { $0.firmwareFlashes > 0 }.count
            if flashed > 0 && flashed < h.count { midRollout += 1 }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            process = try CrashRecoveryTests.launch(
                config: config.path, log: h.folder.appendingPathComponent("cmsd-\(round).log"))
        }
        #expect(midRollout >= 3, "kills landed while the rollout was under way (\(midRollout) of \(round))")
        let allUpdated = await eventuallyTrue(timeout: .seconds(240)) {
            try await h.snapshots().values.allSatisfy { $0.identity.firmwareVersion == "6.0.1" }
        }
        // On failure, what cmsd thinks: the rollouts and the firmware events (the test folder is removed after).
        let diagnosis = allUpdated ? "" : Self.diagnosis(api: api, token: token)
        #expect(allUpdated, "\(diagnosis)")
        let sims = try await h.snapshots()
        for code in h.codes {
            #expect(sims[code]?.firmwareFlashes == 1, "\(code) flashed \(sims[code]?.firmwareFlashes ?? -1) times")
        }
        #expect(await eventuallyTrue(timeout: .seconds(60)) {
            let result = try runProcess("/usr/bin/curl", ["-sf", "-H", "Authorization: Bearer \(token)", "\(api)/rollouts"])
            guard result.status == 0 else { return false }
            let list = try JSONDecoder().decode(RolloutList.self, from: Data(result.stdout.utf8))
            return list.rollouts.allSatisfy { $0.phase == "finished" }
                && list.rollouts.reduce(0) { $0 + ($1.counts["done"] ?? 0) } == h.count
        })
    }

    static func diagnosis(api: String, token: String) -> String {
        let auth = ["-s", "-H", "Authorization: Bearer \(token)"]
        let rollouts = (try? runProcess("/usr/bin/curl", auth + ["\(api)/rollouts"]).stdout) ?? "?"
        let events = (try? runProcess("/usr/bin/curl", auth + ["\(api)/events?limit=200"]).stdout) ?? "?"
        let firmware = events.split(separator: "}").filter { $0.contains("firmware") || $0.contains("reboot") }
        return "rollouts: \(rollouts)\nfirmware/reboot events (newest first):\n"
            + firmware.prefix(40).joined(separator: "}\n")
    }
}
