import CMSDaemon
import CMSModel
import CMSReconcile
import CMSStore
import Foundation
import Logging
import NXRSim
import TestSupport
import Testing

/// `kill -9` of a real `cmsd` process around a schedule's fire time, on the live clock, against `nxr-sim` over SSH:
/// killed just before the time, the restarted process fires it (within the grace); killed right after the fire, the
/// next process does not fire it again. Exactly one `schedule.fired` and exactly one reboot of the device.
@Suite(.serialized, .tags(.peer)) struct ScheduleCrashTests {
    @Test func killingCmsdAroundAFireTimeFiresExactlyOnce() async throws {
        #expect(
            FileManager.default.isExecutableFile(atPath: CrashRecoveryTests.binary),
            "build cmsd first (swift build --build-tests)")
        let harness = try ReconcileHarness()
        defer { try? FileManager.default.removeItem(at: harness.folder) }
        let crpPort = try LoopbackPort.free()
        let apiPort = try LoopbackPort.free()
        let config = harness.folder.appendingPathComponent("cmsd.yaml")
        try """
            dataFolder: data
            listen: {crp: "127.0.0.1:\(crpPort)", api: "127.0.0.1:\(apiPort)"}
            timing: {retryBase: 300ms, retryCap: 1s, confirmTimeout: 30s, connectTimeout: 10s, rpcTimeout: 20s}
            tenants:
              - code: century
                repo: {url: repo, branch: main}
                pollInterval: 300ms
                driftInterval: 1h
                username: admin
            """.write(to: config, atomically: true, encoding: .utf8)
        let credentials = try TenantCredentials.load(dataFolder: harness.data, tenant: ReconcileHarness.tenant)
        let authorized = try AuthorizedKeys(parsing: credentials.publicKeyLine, source: "tenant key")
        let crpSecret = ReconcileHarness.crpSecret

        // One schedule: reboot nxr01's group once, at the first whole minute at least 75 s away (Asia/Tokyo).
        try? FileManager.default.removeItem(at: harness.repo.appendingPathComponent("schedules"))
        try FileManager.default.createDirectory(
            at: harness.repo.appendingPathComponent("schedules"), withIntermediateDirectories: true)
        try harness.write(
            "groups/crash.yaml",
            "apiVersion: cms/v1\nkind: Group\nname: crash-test\ntype: none\nmembers:\n  - device: nxr01\n")
        let due = (Int(Date().timeIntervalSince1970) + 75 + 59) / 60 * 60
        var tokyo = Calendar(identifier: .gregorian)
        tokyo.timeZone = TimeZone(identifier: "Asia/Tokyo")!
        let local = tokyo.dateComponents([.hour, .minute], from: Date(timeIntervalSince1970: TimeInterval(due)))
        try harness.write(
            "schedules/crash.yaml",
            """
            apiVersion: cms/v1
            kind: Schedule
            name: crash-reboot
            command: reboot
            target: {group: crash-test}
            repeat: false
            when: {hour: \(local.hour!), minute: \(local.minute!)}

            """)
        try harness.commit("a reboot schedule")

        var process = try CrashRecoveryTests.launch(
            config: config.path, log: harness.folder.appendingPathComponent("cmsd-1.log"))
        var logger = Logger(label: "e2e.schedule")
        logger.logLevel = .critical
        let fleet = Fleet(group: ReconcileHarness.group, logger: logger)
        defer { Task { await fleet.stopAll() } }
        for var settings in try FleetPlan.fromRepo(
            harness.repo, prefix: harness.prefix, port: 0, stateRoot: harness.folder.appendingPathComponent("sims"),
            authorized: authorized, crpServer: "127.0.0.1:\(crpPort)")
        where settings.identity.deviceCode == "nxr01" {
            settings.crpSecret = crpSecret
            settings.keepalive = 1
            settings.rebootDelay = 0.3
            _ = try fleet.add(settings)
        }
        try await fleet.startAll()
        let sim = try #require(fleet.device("nxr01"))
        let statePath = harness.data + "/state.sqlite"
        let head = try FaultTests.head(harness)
        #expect(await eventuallyTrue(timeout: .seconds(60)) {
            try await CrashRecoveryTests.applied(statePath, device: "nxr01") == head
        })
        let bootsBefore = try await sim.snapshot().get().bootCount

        // Kill -9 fifteen seconds before the fire time; restart at once.
        let beforeDue = TimeInterval(due - 15) - Date().timeIntervalSince1970
        #expect(beforeDue > 0, "the setup took too long for this run")
        try await Task.sleep(for: .milliseconds(Int(max(0, beforeDue) * 1000)))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        process = try CrashRecoveryTests.launch(
            config: config.path, log: harness.folder.appendingPathComponent("cmsd-2.log"))
        let events = try SQLiteEventStore(path: harness.data + "/events.sqlite")
        @Sendable func count(_ type: EventType) async throws -> Int {
            try await events.search(EventQuery(tenant: "century", limit: 100_000)).filter {
                $0.type == type && $0.details["schedule"] == "crash-reboot"
            }.count
        }
        // The restarted process fires it; kill -9 as soon as the orders are out, restart again.
        #expect(await eventuallyTrue(timeout: .seconds(60)) { try await count(.scheduleRebootAllStarted) == 1 })
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        process = try CrashRecoveryTests.launch(
            config: config.path, log: harness.folder.appendingPathComponent("cmsd-3.log"))
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        // The third process adopts the revision (schedule known, due time handled) and fires nothing.
        #expect(await eventuallyTrue(timeout: .seconds(30)) {
            try await events.search(EventQuery(tenant: "century", limit: 100_000)).filter { $0.type == .systemStarted }
                .count == 3
        })
        try await Task.sleep(for: .seconds(5))
        let fired = try await events.search(EventQuery(tenant: "century", limit: 100_000)).filter {
            $0.type == .scheduleFired && $0.details["schedule"] == "crash-reboot"
        }
        let dueText = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(due)))
        #expect(fired.map { $0.details["due"] } == [dueText], "exactly one fire, for its due time")
        // Killed between the orders and the ledger's "fire finished": the next start says so (never a second fire).
        let aborted = try await events.search(EventQuery(tenant: "century", limit: 100_000)).filter {
            $0.type == .scheduleAborted && $0.details["schedule"] == "crash-reboot"
        }
        #expect(aborted.allSatisfy { $0.details["reason"]?.hasPrefix("cmsd stopped while this fire") == true })
        #expect(await eventuallyTrue(timeout: .seconds(20)) {
            try await sim.snapshot().get().bootCount == bootsBefore + 1
        }, "the device rebooted exactly once")
        try await Task.sleep(for: .seconds(2))
        #expect(try await sim.snapshot().get().bootCount == bootsBefore + 1)
    }
}
