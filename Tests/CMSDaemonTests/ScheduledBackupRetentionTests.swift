import Foundation
import Testing

@testable import CMSDaemon

/// Which files a `tenant-backup` schedule without `to` removes after a backup (docs/backup.md#by-schedule): only its
/// own `<tenant>-<schedule>-<stamp>.tgz` beyond the newest `keep`.
@Suite struct ScheduledBackupRetentionTests {
    @Test func onlyTheSchedulesOwnOldestFilesBeyondKeepArePruned() {
        let names = [
            "century-nightly-20270114T030000Z.tgz", "century-nightly-20270116T030000Z.tgz",
            "century-nightly-20270115T030000Z.tgz",
            // Another schedule whose name starts the same, a manual backup, a temporary file, a stray name.
            "century-nightly-2-20270101T030000Z.tgz", "century-20270101T030000.tgz",
            "century-nightly-20270113T030000Z.tgz.part-1a2b", "century-nightly-old.tgz",
            "century-nightly-2027011XT030000Z.tgz",
        ]
        #expect(
            Daemon.backupsToPrune(names, prefix: "century-nightly-", keep: 2) == ["century-nightly-20270114T030000Z.tgz"])
        #expect(Daemon.backupsToPrune(names, prefix: "century-nightly-", keep: 3) == [])
        #expect(Daemon.backupsToPrune(names, prefix: "century-nightly-", keep: 1) == [
            "century-nightly-20270114T030000Z.tgz", "century-nightly-20270115T030000Z.tgz",
        ])
        #expect(Daemon.backupsToPrune(names, prefix: "century-nightly-2-", keep: 1) == [])
    }

    @Test func theStampIsTheUTCDueTimeAndSortsByTime() {
        let due = ISO8601DateFormatter().date(from: "2027-03-28T01:00:00Z")!
        #expect(Daemon.backupStamp(due) == "20270328T010000Z")
        #expect(Daemon.scheduledBackupPrefix("century", schedule: "nightly") == "century-nightly-")
        let later = Daemon.backupStamp(due.addingTimeInterval(86_400 * 300))
        #expect(later > Daemon.backupStamp(due))
    }
}
