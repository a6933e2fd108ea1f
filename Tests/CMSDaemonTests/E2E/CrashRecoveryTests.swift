import CMSDaemon
import CMSModel
import CMSReconcile
import CMSStore
import Foundation
import Logging
import NXRSim
import TestSupport
import Testing

/// `kill -9` of a real `cmsd` process in the middle of an apply, then a restart: the device converges, the
/// interrupted apply is found from its durable intent, and every event recorded before the kill is still there.
@Suite(.serialized, .tags(.peer)) struct CrashRecoveryTests {
    static var binary: String { ReconcileHarness.packageRoot.appendingPathComponent(".build/debug/cmsd").path }

    @Test func killingCmsdMidApplyThenRestartingConvergesWithoutLosingEvents() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build cmsd first (swift build --build-tests)")
        let harness = try ReconcileHarness()
        defer { try? FileManager.default.removeItem(at: harness.folder) }
        let crpPort = try LoopbackPort.free()
        let apiPort = try LoopbackPort.free()
        let config = harness.folder.appendingPathComponent("cmsd.yaml")
        try """
            dataFolder: data
            listen: {crp: "127.0.0.1:\(crpPort)", api: "127.0.0.1:\(apiPort)"}
            timing: {retryBase: 300ms, retryCap: 2s, confirmTimeout: 30s, connectTimeout: 10s, rpcTimeout: 20s}
            tenants:
              - code: century
                repo: {url: repo, branch: main}
                pollInterval: 300ms
                driftInterval: 1h
                username: admin
            """.write(to: config, atomically: true, encoding: .utf8)
        let credentials = try TenantCredentials.load(dataFolder: harness.data, tenant: ReconcileHarness.tenant)
        let authorized = try AuthorizedKeys(parsing: credentials.publicKeyLine, source: "tenant key")

        let crpSecret = ReconcileHarness.crpSecret  // sets CMS_CRP_SECRET_CENTURY, which cmsd inherits
        var process = try Self.launch(config: config.path, log: harness.folder.appendingPathComponent("cmsd-1.log"))
        var logger = Logger(label: "e2e.crash")
        logger.logLevel = .critical
        let fleet = Fleet(group: ReconcileHarness.group, logger: logger)
        defer { Task { await fleet.stopAll() } }
        for var settings in try FleetPlan.fromRepo(
            harness.repo, prefix: harness.prefix, port: 0, stateRoot: harness.folder.appendingPathComponent("sims"),
            authorized: authorized, crpServer: "127.0.0.1:\(crpPort)")
        where ["nxr01", "nxr02"].contains(settings.identity.deviceCode ?? "") {
            settings.crpSecret = crpSecret
            settings.keepalive = 1
            settings.rebootDelay = 0.3
            _ = try fleet.add(settings)
        }
        try await fleet.startAll()
        let first = try FaultTests.head(harness)
        let statePath = harness.data + "/state.sqlite"
        let eventsPath = harness.data + "/events.sqlite"
        #expect(await eventuallyTrue(timeout: .seconds(90)) {
            try await Self.applied(statePath, device: "nxr01") == first
        })
        let token = try String(contentsOfFile: harness.data + "/tenants/century/api.token", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let status = try runProcess(
            "/usr/bin/curl",
            ["-sf", "-H", "Authorization: Bearer \(token)", "http://127.0.0.1:\(apiPort)/api/v1/tenants/century/status"])
        #expect(status.status == 0 && status.stdout.contains(first), "the API of the running cmsd answers")

        // Slow replies make the apply of the next revision take seconds: kill -9 while it runs.
        let sim = try #require(fleet.device("nxr01"))
        var faults = DeviceFaults()
        faults.replyDelay = 0.8
        try await sim.setFaults(faults).get()
        try harness.writeBaseline("nxr01", mtu: 1340)
        let revision = try harness.commit("nxr01: MTU 1340")
        let events = try SQLiteEventStore(path: eventsPath)
        #expect(await eventuallyTrue(timeout: .seconds(60)) {
            try await events.search(EventQuery(tenant: "century", device: "nxr01", limit: 5000))
                .contains { $0.type == .gitApplyStarted && $0.revision == revision }
        })
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let before = try await events.search(EventQuery(tenant: "century", limit: 100_000))
        let state = try SQLiteStateStore(path: statePath)
        let open = try await state.openApplies()
        #expect(open.contains { $0.device == "nxr01" && $0.revision == revision }, "the interrupted apply is on record")

        try await sim.setFaults(DeviceFaults()).get()
        process = try Self.launch(config: config.path, log: harness.folder.appendingPathComponent("cmsd-2.log"))
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        #expect(await eventuallyTrue(timeout: .seconds(90)) {
            try await Self.applied(statePath, device: "nxr01") == revision
        })
        #expect(try await harness.interfaceLeaf(in: fleet, "nxr01", "ppp0", "mtu") == "1340")
        #expect(await eventuallyTrue(timeout: .seconds(10)) { try await state.openApplies().isEmpty })
        let after = try await events.search(EventQuery(tenant: "century", limit: 100_000))
        let afterIDs = Set(after.compactMap(\.id))
        #expect(before.allSatisfy { afterIDs.contains($0.id ?? -1) }, "no event recorded before the kill is lost")
        #expect(after.contains { $0.type == .gitApplySucceeded && $0.device == "nxr01" && $0.revision == revision })

        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "SIGTERM stops cmsd gracefully")
        let stopped = try await events.search(EventQuery(tenant: "century", limit: 100_000))
        #expect(stopped.contains { $0.type == .systemStopped })
    }

    static func launch(config: String, log: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--config", config, "--log-level", "info"]
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        return process
    }

    static func applied(_ path: String, device: String) async throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let state = try SQLiteStateStore(path: path)
        let record = try await state.devices(tenant: "century").first { $0.code == device }
        guard let record, record.sync.condition.status == .ready else { return nil }
        return record.sync.lastAppliedRevision
    }
}

extension ReconcileHarness {
    func interfaceLeaf(in fleet: Fleet, _ device: String, _ interface: String, _ name: String) async throws -> String? {
        let sim = try #require(fleet.device(device))
        return Self.find(try await sim.runningTree().get(), interface: interface, leaf: name)
    }
}
