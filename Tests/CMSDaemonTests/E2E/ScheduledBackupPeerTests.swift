import CMSAPI
import CMSDaemon
import CMSModel
import Foundation
import TestSupport
import Testing

/// Issue 15, "also as a schedule command": `tenant-backup` schedules on a daemon with an `nxr-sim` device over SSH,
/// the schedulers' wall clock stepped by the test. Each fire is a real backup with the schedule as its user, named by
/// its due time; the newest `keep` are kept; a backup that cannot be written is a `tenant.backup.failed` and a
/// `schedule.aborted`, never silent.
@Suite(.serialized, .tags(.peer)) struct ScheduledBackupPeerTests {
    static let keyVariable = "CMS_FW_BACKUP_KEY"

    @Test func aBackupScheduleWritesOneCheckedBackupPerFireAndKeepsTheNewest() async throws {
        setenv(Self.keyVariable, Data((0..<32).map { UInt8($0 * 11 % 256) }).base64EncodedString(), 1)
        let h = try FirmwareHarness(count: 1)
        defer { Task { await h.stop() } }
        let backups = h.folder.appendingPathComponent("backups").path
        h.backupSettings = BackupConfiguration(key: .env(Self.keyVariable), folder: backups)
        let wall = SteppedWall("2027-01-14T02:55:00Z")
        h.scheduleTime = wall.source
        try FileManager.default.createDirectory(
            at: h.repo.appendingPathComponent("schedules"), withIntermediateDirectories: true)
        try h.write(
            "schedules/backups.yaml",
            """
            apiVersion: cms/v1
            kind: Schedule
            name: nightly
            command: tenant-backup
            backup: {includeEvents: true, keep: 2}
            when: {hour: 3, minute: 0}
            ---
            apiVersion: cms/v1
            kind: Schedule
            name: offsite
            command: tenant-backup
            backup: {to: "ssh://backup@127.0.0.1:1/srv/cms/fw.tgz"}
            repeat: false
            when: {month: 1, day: 16, hour: 3, minute: 30}

            """)
        try h.commit("backups by schedule")
        try await h.startDaemon()
        try await h.startFleet()
        #expect(await eventuallyTrue(timeout: .seconds(120)) { try await h.connectedCount() == h.count })
        #expect(await eventuallyTrue(timeout: .seconds(60)) { try await h.events(.scheduleAdded).count == 2 })
        let listed = try await h.daemon.schedules(FirmwareHarness.tenant, next: 1)
        #expect(listed.schedules.map(\.command) == ["tenant-backup", "tenant-backup"])
        #expect(listed.schedules.allSatisfy { $0.carriedOut && $0.target == "tenant" })

        @Sendable func succeeded() async throws -> [Event] {
            try await h.events(.tenantBackupSucceeded).filter { $0.user == "schedule:nightly" }
        }
        // Three nights: three backups, each named by its due time; the oldest is removed after the third.
        for (night, day) in ["14", "15", "16"].enumerated() {
            #expect(await wall.jump(to: "2027-01-\(day)T03:00:30Z"))
            #expect(await eventuallyTrue(timeout: .seconds(120)) { try await succeeded().count == night + 1 })
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: backups).sorted()
        #expect(files == ["fw-nightly-20270115T030000Z.tgz", "fw-nightly-20270116T030000Z.tgz"])
        let started = try await h.events(.tenantBackupStarted).filter { $0.user == "schedule:nightly" }
        #expect(started.compactMap { $0.details["target"] }.sorted() == [
            "fw-nightly-20270114T030000Z.tgz", "fw-nightly-20270115T030000Z.tgz", "fw-nightly-20270116T030000Z.tgz",
        ])
        // The newest is a whole, checked backup of the tenant, its event log included.
        let checked = try await h.daemon.restore(
            FirmwareHarness.tenant, from: "fw-nightly-20270116T030000Z.tgz", checkOnly: true, user: "ops")
        #expect(checked.contents.tenant == FirmwareHarness.tenant && checked.contents.devices == h.count)
        #expect(checked.contents.parts.contains("events") && checked.contents.parts.contains("keys"))
        #expect(try await h.events(.scheduleFired).filter { $0.details["schedule"] == "nightly" }.count == 3)

        // The off-site schedule has no `backup.ssh` settings in cmsd.yaml: refused with the reason, twice visible.
        #expect(await wall.jump(to: "2027-01-16T03:30:30Z"))
        #expect(await eventuallyTrue(timeout: .seconds(60)) {
            try await h.events(.scheduleAborted).contains { $0.details["schedule"] == "offsite" }
        })
        let failed = try await h.events(.tenantBackupFailed)
        #expect(failed.count == 1 && failed.first?.user == "schedule:offsite")
        let aborted = try #require(try await h.events(.scheduleAborted).first { $0.details["schedule"] == "offsite" })
        #expect(aborted.details["reason"]?.contains("backup.ssh") == true, "\(aborted.details)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: backups).count == 2, "a failure removes nothing")
    }
}
