import CMSAPI
import CMSDaemon
import CMSModel
import CMSReconcile
import CMSStore
import Foundation
import Logging
import NETCONF
import NXRSim
import TestSupport
import Testing

/// Back up a converged nxr-sim fleet's tenant, wipe the data folder, start a fresh daemon (which makes a new key
/// the devices do not trust), restore: every device reconnects with the restored key and the same pins, converges
/// with no change, none blocked, and the event log is the backup's.
@Suite(.serialized, .tags(.peer)) struct BackupRoundTripTests {
    static let keyVariable = "CMS_CENTURY_BACKUP_KEY"

    @Test func backUpWipeRestoreReconnectsWithTheSamePinsAndNoChange() async throws {
        setenv(Self.keyVariable, Data((0..<32).map { UInt8($0 * 7 % 256) }).base64EncodedString(), 1)
        let harness = try ReconcileHarness()
        let backups = harness.folder.appendingPathComponent("backups").path
        harness.backupSettings = BackupConfiguration(key: .env(Self.keyVariable), folder: backups)
        defer { Task { await harness.stop() } }
        try await harness.start(drift: .seconds(3600))
        let revision = try harness.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(await eventuallyTrue(timeout: .seconds(90)) { await harness.converged(at: revision) })
        let pins = Dictionary(
            uniqueKeysWithValues: try await harness.state.devices(tenant: ReconcileHarness.tenant).map { ($0.code, $0.hostKey) })
        #expect(ReconcileHarness.managed.allSatisfy { pins[$0] ?? nil != nil }, "every managed device is pinned")
        // Wait for the IPsec policies to settle on the learned addresses, then keep every device's running config.
        let running = try await Self.settledRunning(harness)
        let keyPath = harness.data + "/tenants/century/ssh/id_ed25519"
        let archive = harness.data + "/archive/century.git"
        let archived = try runProcess("/usr/bin/git", ["--git-dir", archive, "rev-parse", "HEAD"])
        #expect(archived.status == 0, "the config archive has commits: \(archived.stderr)")
        let archivedHead = archived.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let key = try String(contentsOfFile: keyPath, encoding: .utf8)
        let eventsBefore = try await harness.events().count
        // Two firmware images in the store: only their records are backed up (SPEC §11).
        let kept = try await Self.upload(harness.daemon, version: "21.7.3", user: "alice")
        let lost = try await Self.upload(harness.daemon, version: "21.7.2", user: "alice")

        // The backup runs while the tenant keeps running; the user is recorded.
        let written = try await harness.daemon.backup(
            ReconcileHarness.tenant, to: "nightly/century.tgz", includeEvents: true, user: "ops")
        #expect(written.location == backups + "/nightly/century.tgz")
        #expect(written.contents.revision == revision && written.contents.parts == ["keys", "secrets", "state", "archive", "images", "events"])
        let backupEvents = try await harness.events(.tenantBackupSucceeded)
        #expect(backupEvents.count == 1 && backupEvents.first?.user == "ops")
        let backupStarted = try await harness.events(.tenantBackupStarted)
        #expect(backupStarted.count == 1 && backupStarted.first?.user == "ops")
        #expect(backupStarted.first?.details["target"] == "nightly/century.tgz")
        let checked = try await harness.daemon.restore(ReconcileHarness.tenant, from: "nightly/century.tgz", checkOnly: true, user: "ops")
        #expect(checked.checkOnly && !checked.restored && checked.contents.devices >= ReconcileHarness.managed.count)

        // The server dies: the data folder is wiped; a fresh daemon makes a new key that no device trusts.
        await harness.daemon.shutdown()
        try FileManager.default.removeItem(atPath: harness.data)
        var logger = Logger(label: "e2e.backup")
        logger.logLevel = .critical
        var configuration = harness.configuration(drift: .seconds(3600))
        // Same CRP port as the dead server, as a replacement server would have.
        configuration.crpListen = try #require(HostPort(harness.crpServer))
        harness.daemon = try Daemon(configuration: configuration, logger: logger)
        #expect(try String(contentsOfFile: keyPath, encoding: .utf8) != key)
        try await harness.daemon.start()
        // The images themselves are not in a backup: the operator puts one back (another user uploads it again).
        #expect(try await Self.upload(harness.daemon, version: "21.7.3", user: "bob").sha256 == kept.sha256)

        // A backup that is not there is a failed restore, recorded with its code and the user.
        do {
            _ = try await harness.daemon.restore(ReconcileHarness.tenant, from: "nightly/missing.tgz", checkOnly: false, user: "ops")
            Issue.record("a missing file was restored")
        } catch {
            #expect(error.code == "file-missing" && error.status == 404)
        }
        let failedRestore = try #require(try await harness.events(.tenantRestoreFailed).last)
        #expect(failedRestore.user == "ops" && failedRestore.details["code"] == "file-missing")

        let restored = try await harness.daemon.restore(ReconcileHarness.tenant, from: "nightly/century.tgz", checkOnly: false, user: "ops")
        #expect(restored.restored)
        #expect(try String(contentsOfFile: keyPath, encoding: .utf8) == key, "the tenant's key is back")
        // The restored records, re-read by the running image store: the one whose image is here (as backed up, by
        // alice), not the one whose image is gone.
        let images = try await harness.daemon.firmwareImages(ReconcileHarness.tenant)
        #expect(images.map(\.sha256) == [kept.sha256] && images.first?.user == "alice", "\(images)")
        #expect(!images.contains { $0.sha256 == lost.sha256 })
        let restoreStarted = try await harness.events(.tenantRestoreStarted)
        #expect(restoreStarted.contains { $0.user == "ops" && $0.details["source"] == "nightly/century.tgz" })
        // The config archive is back with its history (later commits may follow it, never replace it).
        #expect(try runProcess("/usr/bin/git", ["--git-dir", archive, "merge-base", "--is-ancestor", archivedHead, "HEAD"]).status == 0)
        #expect(try runProcess("/usr/bin/git", ["--git-dir", archive, "fsck", "--no-dangling"]).status == 0)
        let afterRestore = try await harness.events().count
        #expect(afterRestore >= eventsBefore, "the event log is the backup's")
        // Every device reconnects (at its restored last address) and converges with no change.
        #expect(await eventuallyTrue(timeout: .seconds(90)) { await harness.converged(at: revision) })
        let after = Dictionary(
            uniqueKeysWithValues: try await harness.state.devices(tenant: ReconcileHarness.tenant).map { ($0.code, $0.hostKey) })
        #expect(after == pins, "the same pins, no re-pinning")
        let since = try await harness.events().filter { ($0.id ?? 0) > 0 }
        let restoreSucceeded = try #require(since.first { $0.type == .tenantRestoreSucceeded })
        let later = since.filter { $0.time >= restoreSucceeded.time }
        // Nothing the backup carries is re-applied: no baseline change. IPsec policies follow the peers' addresses,
        // which are learned again as devices connect (as at any restart), and settle back where they were.
        let applies = later.filter { $0.type == .gitApplyStarted && $0.details["parts"] != "ipsec" }
        #expect(applies.isEmpty, "converged with no change: \(applies.map { "\($0.device ?? "") \($0.details)" })")
        #expect(await eventuallyTrue(timeout: .seconds(60)) {
            for device in harness.fleet.devices where try await device.runningTree().get() != running[device.name] {
                return false
            }
            return true
        }, "every device's running configuration is what it was before the backup")
        #expect(!later.contains { $0.type == .deviceHostKeyMismatch || $0.type == .deviceHostKeyPinned })
        let summaries = try await harness.summaries()
        for device in ReconcileHarness.managed {
            let summary = try #require(summaries.first { $0.code == device })
            #expect(summary.state == .connected || summary.state == .communicating, "\(device): \(summary.state)")
        }
    }

    /// Uploads a simulator firmware image (its header names product and version) through the daemon's API.
    static func upload(_ daemon: Daemon, version: String, user: String) async throws -> StoredFirmwareImage {
        let bytes = Array("NXR-FIRMWARE product=NXR-120 version=\(version)\n".utf8) + [UInt8](repeating: 0x5a, count: 4096)
        let stream = AsyncThrowingStream<[UInt8], any Error> { continuation in
            continuation.yield(bytes)
            continuation.finish()
        }
        return try await daemon.addFirmwareImage(
            ReconcileHarness.tenant, product: "NXR-120", version: nil, user: user, chunks: stream)
    }

    /// Every device's running configuration once it has not changed for 2 s.
    static func settledRunning(_ harness: ReconcileHarness) async throws -> [String: XMLElement] {
        var last: [String: XMLElement] = [:]
        var stableSince = ContinuousClock.now
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            var now: [String: XMLElement] = [:]
            for device in harness.fleet.devices { now[device.name] = try await device.runningTree().get() }
            if now != last {
                last = now
                stableSince = ContinuousClock.now
            } else if ContinuousClock.now - stableSince >= .seconds(2) {
                return now
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw HarnessError("the running configurations did not settle within 60 s")
    }

    @Test func withoutABackupKeyNothingIsWritten() async throws {
        let harness = try ReconcileHarness()
        let backups = harness.folder.appendingPathComponent("backups").path
        harness.backupSettings = BackupConfiguration(key: nil, folder: backups)
        defer { Task { await harness.stop() } }
        try await harness.start(drift: .seconds(3600))
        do {
            _ = try await harness.daemon.backup(ReconcileHarness.tenant, to: nil, includeEvents: false, user: "ops")
            Issue.record("a backup without a key was written")
        } catch {
            #expect(error.code == "no-backup-key" && error.message.contains("never written in clear"))
        }
        #expect(!FileManager.default.fileExists(atPath: backups))
        let failed = try await harness.events(.tenantBackupFailed)
        #expect(failed.count == 1 && failed.first?.user == "ops")
    }
}
