import CMSAPI
import CMSDaemon
import CMSModel
import CMSStore
import Foundation
import Logging
import NETCONF
import NXRSim
import TestSupport
import Testing

/// `kill -9` of a real `cmsd` process in the middle of a config restore, then a restart: the restore's journal
/// entry survives, and when the device is back the restarted `cmsd` verifies it and archives the result.
@Suite(.serialized, .tags(.peer)) struct ConfigRestoreCrashTests {
    @Test func killingCmsdMidRestoreThenRestartingVerifiesTheRestore() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: CrashRecoveryTests.binary), "build cmsd first")
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
        let crpSecret = ReconcileHarness.crpSecret
        var process = try CrashRecoveryTests.launch(
            config: config.path, log: harness.folder.appendingPathComponent("cmsd-1.log"))
        var logger = Logger(label: "e2e.restore-crash")
        logger.logLevel = .critical
        let fleet = Fleet(group: ReconcileHarness.group, logger: logger)
        defer { Task { await fleet.stopAll() } }
        for var settings in try FleetPlan.fromRepo(
            harness.repo, prefix: harness.prefix, port: 0, stateRoot: harness.folder.appendingPathComponent("sims"),
            authorized: authorized, crpServer: "127.0.0.1:\(crpPort)")
        where ["nxr01", "nxr02"].contains(settings.identity.deviceCode ?? "") {
            settings.crpSecret = crpSecret
            settings.keepalive = 1
            settings.rebootDelay = 1.5
            _ = try fleet.add(settings)
        }
        try await fleet.startAll()
        let first = try FaultTests.head(harness)
        let statePath = harness.data + "/state.sqlite"
        #expect(await eventuallyTrue(timeout: .seconds(90)) {
            try await CrashRecoveryTests.applied(statePath, device: "nxr01") == first
        })
        let token = try String(contentsOfFile: harness.data + "/tenants/century/api.token", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let base = "http://127.0.0.1:\(apiPort)/api/v1/tenants/century/devices/nxr01/config"
        func curl(_ arguments: [String]) throws -> String {
            let result = try runProcess(
                "/usr/bin/curl", ["-sS", "-f", "-H", "Authorization: Bearer \(token)"] + arguments)
            guard result.status == 0 else { throw HarnessError("curl \(arguments): \(result.stderr) \(result.stdout)") }
            return result.stdout
        }
        let pulled = try JSONDecoder().decode(
            ConfigFile.self, from: Data(try curl(["-X", "POST", base + "/pull?format=xml"]).utf8))
        let good = try #require(pulled.revision)
        let sim = try #require(fleet.device("nxr01"))
        #expect(try await sim.changeOutOfBand(ConfigArchiveE2ETests.describe("broken by hand")).get().isEmpty)

        // The restore's reply comes late: kill -9 once the restore is on its way.
        var faults = DeviceFaults()
        faults.replyDelay = 1.0
        try await sim.setFaults(faults).get()
        let body = String(decoding: try JSONEncoder().encode(ConfigRestoreRequest(format: "xml", archiveRevision: good)), as: UTF8.self)
        _ = try curl(["-X", "POST", "-H", "Content-Type: application/json", "--data", body, base + "/restore"])
        let journal = harness.data + "/archive/century.journal.json"
        let events = try SQLiteEventStore(path: harness.data + "/events.sqlite")
        #expect(await eventuallyTrue(timeout: .seconds(30)) {
            try await events.search(EventQuery(tenant: "century", device: "nxr01", limit: 5000))
                .contains { $0.type == .configRestoreStarted }
        })
        // The device has the file (its reply is still on the way): now.
        #expect(await eventuallyTrue(timeout: .seconds(30)) {
            try await sim.syslogLines().get().contains { $0.contains("configuration restored") }
        })
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let pending = String(decoding: FileManager.default.contents(atPath: journal) ?? Data(), as: UTF8.self)
        #expect(pending.contains("nxr01"), "the restore in flight is in the journal")
        try await sim.setFaults(DeviceFaults()).get()

        process = try CrashRecoveryTests.launch(
            config: config.path, log: harness.folder.appendingPathComponent("cmsd-2.log"))
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let back = await eventuallyTrue(timeout: .seconds(60)) {
            try await events.search(EventQuery(tenant: "century", device: "nxr01", limit: 5000))
                .contains { $0.type == .configBackupSucceeded && $0.details["reason"] == "restore" }
        }
        let trail = try await events.search(EventQuery(tenant: "century", device: "nxr01", limit: 5000))
            .map { "\($0.type.rawValue) \($0.details)" }
        #expect(back, "\(trail)")
        #expect(try await harness.interfaceLeaf(in: fleet, "nxr01", "ethernet1", "description") == "WAN")
        let after = String(decoding: FileManager.default.contents(atPath: journal) ?? Data(), as: UTF8.self)
        #expect(!after.contains("\"nxr01\":{"), "the verdict closed the journal entry: \(after)")
        let all = try await events.search(EventQuery(tenant: "century", device: "nxr01", limit: 5000))
        #expect(!all.contains { $0.type == .configRestoreFailed }, "\(all.filter { $0.type == .configRestoreFailed })")
        let verified = all.first { $0.type == .configBackupSucceeded && $0.details["reason"] == "restore" }
        #expect(verified?.details["verified"] == "running config matches the restored file")
        #expect(verified?.user != nil, "the API user who asked for the restore")
        // The archive revision the verdict names holds what the device runs again (a commit only if it changed).
        let revision = try #require(verified?.details["revision"])
        let shown = try JSONDecoder().decode(
            ConfigFile.self, from: Data(try curl([base + "/show?format=xml&rev=\(revision)"]).utf8))
        let text = String(decoding: Data(base64Encoded: shown.contentBase64) ?? Data(), as: UTF8.self)
        #expect(text.contains("<description>WAN</description>") && !text.contains("broken by hand"))
    }
}
