import CMSAPI
import CMSDaemon
import CMSModel
import CMSStore
import Foundation
import Logging
import NXRSim
import TestSupport
import Testing

/// Group commit of the config archive in a running `cmsd` (issue 12): a real `cmsd` process, a fleet of NXRSim
/// devices announcing to it at once, the archive pushed to a bare repository. Every device's running config is
/// archived at its connection, and the configs fetched while a commit is being written go into the next commit
/// together — fewer commits than devices, each device's `config.backup-succeeded` naming the commit that holds
/// it — as `git`, the event log, `cms config log` and `cms events` show it to an operator.
@Suite(.serialized, .tags(.peer)) struct ArchiveGroupCommitPeerTests {
    /// Devices added to the example tenant (each with its own loopback address).
    static let added = (1...32).map { String(format: "arch%02d", $0) }

    static var cms: String { ReconcileHarness.packageRoot.appendingPathComponent(".build/debug/cms").path }

    @Test func aFleetConnectingAtOnceIsArchivedInFewerCommitsThanDevicesAndPushed() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: CrashRecoveryTests.binary), "build cmsd first")
        #expect(FileManager.default.isExecutableFile(atPath: Self.cms), "build cms first")
        let harness = try ReconcileHarness()
        defer { try? FileManager.default.removeItem(at: harness.folder) }
        for code in Self.added {
            try harness.write(
                "devices/\(code).yaml",
                "apiVersion: cms/v1\nkind: Device\ncode: \(code)\nname: \(code)\nproduct: NXR-120\n")
        }
        try harness.commit("32 more devices", author: "Erin")
        let remote = harness.folder.appendingPathComponent("archive-remote.git")
        _ = try runProcess("/usr/bin/git", ["init", "-q", "--bare", "-b", "main", remote.path])

        let crpPort = try LoopbackPort.free()
        let apiPort = try LoopbackPort.free()
        let config = harness.folder.appendingPathComponent("cmsd.yaml")
        try """
            dataFolder: data
            listen: {crp: "127.0.0.1:\(crpPort)", api: "127.0.0.1:\(apiPort)"}
            timing: {retryBase: 300ms, retryCap: 2s, confirmTimeout: 30s, connectTimeout: 20s, rpcTimeout: 30s}
            tenants:
              - code: century
                repo: {url: repo, branch: main}
                pollInterval: 1s
                driftInterval: 1h
                username: admin
                archive: {url: \(remote.path), branch: main}
            """.write(to: config, atomically: true, encoding: .utf8)
        let credentials = try TenantCredentials.load(dataFolder: harness.data, tenant: ReconcileHarness.tenant)
        let authorized = try AuthorizedKeys(parsing: credentials.publicKeyLine, source: "tenant key")
        let process = try CrashRecoveryTests.launch(
            config: config.path, log: harness.folder.appendingPathComponent("cmsd.log"))
        var running = true
        defer {
            if running {
                process.terminate()
                process.waitUntilExit()
            }
        }
        var logger = Logger(label: "e2e.archive-group-commit")
        logger.logLevel = .critical
        let fleet = Fleet(group: ReconcileHarness.group, logger: logger)
        defer { Task { await fleet.stopAll() } }
        var codes: [String] = []
        for var settings in try FleetPlan.fromRepo(
            harness.repo, prefix: harness.prefix, port: 0, stateRoot: harness.folder.appendingPathComponent("sims"),
            authorized: authorized, crpServer: "127.0.0.1:\(crpPort)")
        // (shinjuku's YAML pins a real device's host key, which a simulated one cannot show.)
        where settings.identity.deviceCode != "shinjuku" {
            settings.crpSecret = ReconcileHarness.crpSecret
            settings.keepalive = 5  // a backstop: an announcement cmsd missed is repeated
            _ = try fleet.add(settings)
            codes.append(settings.identity.deviceCode ?? settings.identity.serial)
        }
        let devices = codes
        #expect(devices.count >= 40, "\(devices)")
        // cmsd listens (its API answers once CRP is bound), then the whole fleet announces at once.
        #expect(await eventuallyTrue(timeout: .seconds(60)) { LoopbackPort.accepts(apiPort) }, "cmsd did not start")
        try await fleet.startAll()

        // Every device's config is archived at its connection.
        let events = try SQLiteEventStore(path: harness.data + "/events.sqlite")
        @Sendable func archived() async throws -> [Event] {
            try await events.search(EventQuery(tenant: "century", limit: 100_000)).filter {
                $0.type == .configBackupSucceeded && $0.details["reason"] == "connected"
            }
        }
        let all = await eventuallyTrue(timeout: .seconds(240)) {
            Set(try await archived().compactMap(\.device)).isSuperset(of: devices)
        }
        let succeeded = try await archived()
        let cmsdLog = String(
            decoding: FileManager.default.contents(atPath: harness.folder.appendingPathComponent("cmsd.log").path)
                ?? Data(), as: UTF8.self)
        #expect(
            all,
            "archived: \(Set(succeeded.compactMap(\.device)).sorted()), expected \(devices.count) devices; cmsd log: \(cmsdLog.suffix(4000))")
        let failed = try await events.search(EventQuery(tenant: "century", limit: 100_000)).filter {
            $0.type == .configBackupFailed
        }
        #expect(failed.isEmpty, "\(failed.map { "\($0.device ?? "-") \($0.details)" })")

        // git reads the archive back: one folder per device, and fewer commits than devices.
        let archive = harness.data + "/archive/century.git"
        func git(_ arguments: [String]) throws -> String {
            let result = try runProcess("/usr/bin/git", ["--git-dir", archive] + arguments)
            guard result.status == 0 else { throw HarnessError("git \(arguments): \(result.stderr)") }
            return result.stdout
        }
        guard all else { return }
        let folders = Set(try git(["ls-tree", "--name-only", "HEAD"]).split(separator: "\n").map(String.init))
        #expect(folders.isSuperset(of: devices), "\(Set(devices).subtracting(folders).sorted()) not in the archive")
        let subjects = try git(["log", "--format=%H %s", "main"]).split(separator: "\n").map(String.init)
        let atConnection = subjects.filter { $0.contains("running config read at connection") }
        #expect(atConnection.count < devices.count, "group commit: \(atConnection.count) commits for \(devices.count) devices")
        let grouped = atConnection.filter { $0.range(of: #"^[0-9a-f]{40} [0-9]+ devices: "#, options: .regularExpression) != nil }
        #expect(!grouped.isEmpty, "at least one commit holds several devices: \(atConnection)")

        // Each device's event names the commit that holds it; a shared commit names each of its devices.
        var byRevision: [String: Set<String>] = [:]
        for event in succeeded {
            guard let device = event.device, let revision = event.details["revision"] else { continue }
            byRevision[revision, default: []].insert(device)
        }
        let commits = Set(atConnection.map { String($0.prefix(40)) })
        #expect(Set(byRevision.keys).isSubset(of: commits), "every event's revision is an archive commit")
        let (shared, members) = try #require(byRevision.max { $0.value.count < $1.value.count })
        #expect(members.count >= 2, "one commit archived several devices: \(byRevision.mapValues(\.count))")
        let body = try git(["show", "-s", "--format=%B", shared])
        #expect(body.hasPrefix("\(members.count) devices: running config read at connection"), "\(body)")
        for device in members {
            #expect(body.contains("Device: \(device) ("), "\(device) in \(body)")
            #expect(try git(["cat-file", "-e", "\(shared):\(device)/running.xml"]).isEmpty)
        }
        print(
            "archive group commit: \(devices.count) devices in \(atConnection.count) commits at connection; "
                + "largest commit \(members.count) devices")

        // Pushed: the bare remote ends at the archive's head.
        let head = try git(["rev-parse", "main"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(
            await eventuallyTrue(timeout: .seconds(60)) {
                try runProcess("/usr/bin/git", ["--git-dir", remote.path, "rev-parse", "main"]).stdout
                    .trimmingCharacters(in: .whitespacesAndNewlines) == head
            })

        // What an operator sees: `cms config log` lists the shared commit for a device it holds, with its subject,
        // and `cms events` the device's archive event.
        let token = harness.data + "/tenants/century/api.token"
        let server = "http://127.0.0.1:\(apiPort)"
        let device = try #require(members.sorted().first)
        let log = try runProcess(Self.cms, ["config", "log", device, "--server", server, "--token-file", token])
        #expect(log.status == 0, "\(log.stderr)")
        let line = log.stdout.split(separator: "\n").first { $0.hasPrefix(shared.prefix(12)) }
        #expect(line?.contains("\(members.count) devices: running config read at connection") == true, "\(log.stdout)")
        #expect(line?.contains("running.xml show-config.txt") == true, "\(log.stdout)")
        let shown = try runProcess(
            Self.cms, ["config", "show", device, "--rev", shared, "--server", server, "--token-file", token])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains(">nxr-\(device)<"), "\(shown.stdout.prefix(400))")
        let trail = try runProcess(
            Self.cms, ["events", "--device", device, "--server", server, "--token-file", token, "-o", "wide"])
        #expect(trail.status == 0, "\(trail.stderr)")
        #expect(trail.stdout.contains("config.backup.succeeded"), "\(trail.stdout)")
        print("$ cms config log \(device)\n\(log.stdout)")

        // `cms config pull --out`, a change made on the device and `cms config diff`, then `cms config restore --yes`
        // of the pulled file: the device reboots into it and the restore is verified.
        let pulledFile = harness.folder.appendingPathComponent("\(device).xml").path
        let pull = try runProcess(
            Self.cms,
            ["config", "pull", device, "--format", "xml", "--out", pulledFile, "--server", server, "--token-file", token])
        #expect(pull.status == 0, "\(pull.stderr)")
        #expect(pull.stderr.contains("\(device): ") && pull.stderr.contains("bytes of xml; archive"), "\(pull.stderr)")
        let pulled = try String(contentsOfFile: pulledFile, encoding: .utf8)
        #expect(pulled == shown.stdout, "the pulled file is the archived one")
        let sim = try #require(fleet.device(device))
        #expect(try await sim.changeOutOfBand(ConfigArchiveE2ETests.describe("changed by hand")).get().isEmpty)
        #expect(
            await eventuallyTrue(timeout: .seconds(60)) {
                try runProcess(Self.cms, ["config", "diff", device, "--server", server, "--token-file", token])
                    .stdout.contains("changed by hand")
            })
        let diff = try runProcess(Self.cms, ["config", "diff", device, "--server", server, "--token-file", token])
        #expect(diff.stdout.contains("diff --git a/\(device)/running.xml"), "\(diff.stdout)")
        let restore = try runProcess(
            Self.cms, ["config", "restore", device, pulledFile, "--yes", "--server", server, "--token-file", token])
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(restore.stdout.contains("queued: \(device) will reboot"), "\(restore.stdout)")
        let verified = await eventuallyTrue(timeout: .seconds(120)) {
            try await events.search(EventQuery(tenant: "century", device: device, limit: 1000)).contains {
                $0.type == .configBackupSucceeded && $0.details["reason"] == "restore"
                    && $0.details["verified"] == "running config matches the restored file"
            }
        }
        let deviceTrail = try await events.search(EventQuery(tenant: "century", device: device, limit: 1000))
            .map { "\($0.type.rawValue) \($0.details)" }
        #expect(verified, "\(deviceTrail)")
        let restoreEvents = try runProcess(
            Self.cms, ["events", "--device", device, "--server", server, "--token-file", token, "-o", "wide"])
        #expect(restoreEvents.stdout.contains("config.restore.started"), "\(restoreEvents.stdout)")
        #expect(restoreEvents.stdout.contains("config.restore.succeeded"), "\(restoreEvents.stdout)")
        #expect(!restoreEvents.stdout.contains("config.restore.failed"), "\(restoreEvents.stdout)")
        print("$ cms events --device \(device)\n\(restoreEvents.stdout)")

        // cmsd stopped (git fsck on a repository still being written reports objects newer than its scan as
        // missing): the archive is a sound git repository.
        process.terminate()
        process.waitUntilExit()
        running = false
        let fsck = try runProcess("/usr/bin/git", ["--git-dir", archive, "fsck", "--strict", "--no-progress"])
        #expect(fsck.status == 0, "\(fsck.stderr) \(fsck.stdout)")
    }
}
