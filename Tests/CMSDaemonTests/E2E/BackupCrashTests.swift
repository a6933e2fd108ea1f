import CMSDaemon
import CMSModel
import CMSReconcile
import CMSStore
import Foundation
import TestSupport
import Testing

/// `kill -9` of a real `cmsd` process during a backup and during a restore: no half file under the final name;
/// after a restart the tenant's state is entirely the old one or entirely the restored one, never a mix.
@Suite(.serialized, .tags(.peer)) struct BackupCrashTests {
    static let keyVariable = "CMS_CENTURY_BACKUP_KEY"

    struct Server {
        let harness: ReconcileHarness
        let config: String
        let apiPort: Int
        var backups: String { harness.folder.appendingPathComponent("backups").path }

        init() throws {
            harness = try ReconcileHarness()
            apiPort = try LoopbackPort.free()
            let crpPort = try LoopbackPort.free()
            config = harness.folder.appendingPathComponent("cmsd.yaml").path
            try """
                dataFolder: data
                listen: {crp: "127.0.0.1:\(crpPort)", api: "127.0.0.1:\(apiPort)"}
                timing: {retryBase: 300ms, retryCap: 2s, connectTimeout: 2s, rpcTimeout: 5s}
                tenants:
                  - code: century
                    repo: {url: repo, branch: main}
                    pollInterval: 1h
                    driftInterval: 1h
                    username: admin
                    backup: {key: {env: \(BackupCrashTests.keyVariable)}, folder: backups}
                """.write(toFile: config, atomically: true, encoding: .utf8)
        }

        func launch(_ name: String) throws -> Process {
            try CrashRecoveryTests.launch(config: config, log: harness.folder.appendingPathComponent("\(name).log"))
        }

        var token: String {
            get throws {
                try String(contentsOfFile: harness.data + "/tenants/century/api.token", encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }

        /// POSTs without waiting for the answer (the process is killed under it).
        func post(_ path: String) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            process.arguments = ["-s", "-o", "/dev/null", "-X", "POST", "-H", "Authorization: Bearer \(try token)",
                                 "http://127.0.0.1:\(apiPort)/api/v1/tenants/century/\(path)"]
            try process.run()
            return process
        }

        func answer(_ path: String) throws -> (status: Int32, stdout: String, stderr: String) {
            try runProcess("/usr/bin/curl", ["-s", "-X", "POST", "-H", "Authorization: Bearer \(try token)",
                                             "http://127.0.0.1:\(apiPort)/api/v1/tenants/century/\(path)"])
        }

        func ready() async -> Bool {
            await eventuallyTrue(timeout: .seconds(60)) {
                guard let token = try? token else { return false }
                return try runProcess(
                    "/usr/bin/curl",
                    ["-sf", "-H", "Authorization: Bearer \(token)", "http://127.0.0.1:\(apiPort)/api/v1/tenants/century/status"]
                ).status == 0
            }
        }

        /// Many events so that copying and installing the log takes a moment.
        func fillEvents(_ count: Int) async throws {
            let events = try SQLiteEventStore(path: harness.data + "/events.sqlite")
            for batch in 0..<(count / 5_000) {
                try await events.append((0..<5_000).map {
                    Event(time: .seconds(Int64(batch * 5_000 + $0)), tenant: "century", type: .deviceAdded,
                          device: "d\($0 % 97)", details: ["note": String(repeating: "x", count: 200)])
                })
            }
        }
    }

    static func kill9(_ process: Process) {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    @Test func killDuringBackupLeavesNoFileUnderTheFinalName() async throws {
        setenv(Self.keyVariable, "a backup passphrase for the crash test", 1)
        let server = try Server()
        defer { try? FileManager.default.removeItem(at: server.harness.folder) }
        try FileManager.default.createDirectory(atPath: server.harness.data, withIntermediateDirectories: true)
        try await server.fillEvents(200_000)
        var cmsd = try server.launch("cmsd-1")
        #expect(await server.ready())
        let request = try server.post("backup?to=crash.tgz&events=true")
        // Kill as soon as the temporary archive exists (the snapshot is done and the archive is being written).
        let sawPart = await eventuallyTrue(timeout: .seconds(60)) {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: server.backups)) ?? []
            return names.contains { $0.hasPrefix("crash.tgz.part-") }
                || FileManager.default.fileExists(atPath: server.harness.data + "/tmp/backup-century")
        }
        Self.kill9(cmsd)
        request.waitUntilExit()
        #expect(sawPart)
        #expect(!FileManager.default.fileExists(atPath: server.backups + "/crash.tgz"), "no half file under the final name")

        cmsd = try server.launch("cmsd-2")
        defer { cmsd.terminate(); cmsd.waitUntilExit() }
        #expect(await server.ready())
        let second = try server.answer("backup?to=crash.tgz")
        #expect(second.stdout.contains("\"location\""), "\(second.stdout)")
        let check = try server.answer("restore?from=crash.tgz&check=true")
        #expect(check.stdout.contains("\"checkOnly\":true"), "\(check.stdout)")
    }

    /// `kill -9` while the restore is still being staged (unpacked and checked, no `READY` yet): the restarted
    /// `cmsd` drops the staged copy and the tenant's state is entirely the old one.
    @Test func killBeforeReadyKeepsTheOldStateWhole() async throws {
        setenv(Self.keyVariable, Data((0..<32).map { UInt8(31 - $0) }).base64EncodedString(), 1)
        let server = try Server()
        defer { try? FileManager.default.removeItem(at: server.harness.folder) }
        try FileManager.default.createDirectory(atPath: server.harness.data, withIntermediateDirectories: true)
        try await server.fillEvents(200_000)
        var cmsd = try server.launch("cmsd-1")
        #expect(await server.ready())
        let backup = try server.answer("backup?to=before.tgz&events=true")
        #expect(backup.stdout.contains("\"location\""), "\(backup.stdout)")
        cmsd.terminate()
        cmsd.waitUntilExit()

        // The live state moves on while cmsd is down: a new IPsec secret, an extra device record, a shorter log.
        let secretPath = server.harness.data + "/tenants/century/ipsec.secret"
        let liveSecret = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
        try liveSecret.write(to: URL(fileURLWithPath: secretPath))
        let state = try SQLiteStateStore(path: server.harness.data + "/state.sqlite")
        try await state.save(DeviceRecord(tenant: "century", code: "marker", sync: DeviceSyncState(at: .seconds(1))))

        cmsd = try server.launch("cmsd-2")
        #expect(await server.ready())
        let events = try SQLiteEventStore(path: server.harness.data + "/events.sqlite")
        let request = try server.post("restore?from=before.tgz")
        let restoreFolder = server.harness.data + "/restore/century"
        // Kill as soon as staging has begun (the folder exists), long before the swap (200,000 events to unpack
        // and check).
        let deadline = ContinuousClock.now + .seconds(60)
        while !FileManager.default.fileExists(atPath: restoreFolder) && ContinuousClock.now < deadline {
            usleep(2_000)
        }
        Self.kill9(cmsd)
        request.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: restoreFolder), "the kill landed during staging")
        #expect(!FileManager.default.fileExists(atPath: restoreFolder + "/READY"), "before READY")
        // What cmsd-2 recorded (not in the backup): its restore's start. A rolled-forward restore would replace it.
        let startedBefore = try await events.search(EventQuery(tenant: "century", limit: 100_000))
            .filter { $0.type == .tenantRestoreStarted }.compactMap(\.id)
        #expect(startedBefore.count == 1)

        cmsd = try server.launch("cmsd-3")
        defer { cmsd.terminate(); cmsd.waitUntilExit() }
        #expect(await server.ready())
        #expect(!FileManager.default.fileExists(atPath: restoreFolder), "the unfinished restore was dropped at start")
        #expect(try Data(contentsOf: URL(fileURLWithPath: secretPath)) == liveSecret, "the live secret stays")
        #expect(try await state.devices(tenant: "century").contains { $0.code == "marker" }, "the live rows stay")
        let log = try await events.search(EventQuery(tenant: "century", limit: 100_000))
        #expect(log.filter { $0.type == .tenantRestoreStarted }.compactMap(\.id) == startedBefore,
                "the live event log stays: the interrupted restore's start is on record")
    }

    @Test func killDuringRestoreLeavesTheOldStateOrTheNewNeverAMix() async throws {
        setenv(Self.keyVariable, Data((0..<32).map { UInt8($0) }).base64EncodedString(), 1)
        let server = try Server()
        defer { try? FileManager.default.removeItem(at: server.harness.folder) }
        try FileManager.default.createDirectory(atPath: server.harness.data, withIntermediateDirectories: true)
        try await server.fillEvents(200_000)
        var cmsd = try server.launch("cmsd-1")
        #expect(await server.ready())
        let backup = try server.answer("backup?to=before.tgz&events=true")
        #expect(backup.stdout.contains("\"location\""), "\(backup.stdout)")
        cmsd.terminate()
        cmsd.waitUntilExit()

        // The live state moves on while cmsd is down: a new IPsec secret and an extra device record, together.
        let secretPath = server.harness.data + "/tenants/century/ipsec.secret"
        let backedUpSecret = try Data(contentsOf: URL(fileURLWithPath: secretPath))
        try Data((0..<32).map { _ in UInt8.random(in: 0...255) }).write(to: URL(fileURLWithPath: secretPath))
        let state = try SQLiteStateStore(path: server.harness.data + "/state.sqlite")
        try await state.save(DeviceRecord(tenant: "century", code: "marker", sync: DeviceSyncState(at: .seconds(1))))

        cmsd = try server.launch("cmsd-2")
        #expect(await server.ready())
        let request = try server.post("restore?from=before.tgz")
        let restoreFolder = server.harness.data + "/restore/century"
        let sawStaging = await eventuallyTrue(timeout: .seconds(60)) {
            FileManager.default.fileExists(atPath: restoreFolder + "/READY")
        }
        Self.kill9(cmsd)
        request.waitUntilExit()
        #expect(sawStaging, "the kill landed during the swap")

        cmsd = try server.launch("cmsd-3")
        defer { cmsd.terminate(); cmsd.waitUntilExit() }
        #expect(await server.ready())
        #expect(!FileManager.default.fileExists(atPath: restoreFolder), "the interrupted restore was resolved at start")
        let secret = try Data(contentsOf: URL(fileURLWithPath: secretPath))
        let hasMarker = try await state.devices(tenant: "century").contains { $0.code == "marker" }
        // READY was on disk: the restore is rolled forward, completely.
        #expect(secret == backedUpSecret && !hasMarker, "new state throughout (secret restored ⇔ marker row gone)")
        let events = try SQLiteEventStore(path: server.harness.data + "/events.sqlite")
        let count = try await events.search(EventQuery(tenant: "century", limit: 100_000)).count
        #expect(count >= 100_000, "the backed-up event log is in place (\(count))")
    }
}
