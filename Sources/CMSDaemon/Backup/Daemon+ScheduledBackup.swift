import CMSAPI
import CMSModel
import Foundation

/// `tenant-backup` schedules (issue 15, docs/backup.md#by-schedule): the same backup as `cms tenant backup`, with the
/// schedule as the user of its `tenant.backup.*` events. Without `backup.to` each fire writes a file named by its due
/// time (`<tenant>-<schedule>-<UTC due>.tgz`) in the tenant's backup folder, and the newest `keep` of the schedule's
/// files are kept (older ones removed after a backup succeeded, never before).
extension Daemon {
    func scheduledBackup(_ code: String, firing: ScheduleFiring) async -> ScheduleDeviceOutcome {
        let schedule = firing.schedule
        let settings = schedule.backup ?? Schedule.Backup()
        // Named by the due time: one file per fire, whatever the clock says when it runs.
        let stamp = Self.backupStamp(Date(timeIntervalSince1970: Double(firing.due.microsecondsSince1970 / 1_000_000)))
        let target = settings.to ?? Self.scheduledBackupPrefix(code, schedule: schedule.name) + stamp + ".tgz"
        do {
            _ = try await backup(code, to: target, includeEvents: settings.includeEvents, user: "schedule:" + schedule.name)
        } catch {
            return .refused("the tenant backup failed (\(error.code)): \(error.message)")
        }
        if settings.to == nil {
            let tenant = configuration.tenants.first { $0.code == code }
            let folder = backupFolder(code, tenant?.backup ?? BackupConfiguration())
            let prefix = Self.scheduledBackupPrefix(code, schedule: schedule.name)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for name in Self.backupsToPrune(names, prefix: prefix, keep: settings.keep) {
                do {
                    try FileManager.default.removeItem(atPath: folder + "/" + name)
                    logger.info("old scheduled backup removed", metadata: ["tenant": "\(code)", "file": "\(name)"])
                } catch {
                    logger.warning(
                        "an old scheduled backup could not be removed",
                        metadata: ["tenant": "\(code)", "file": "\(name)", "error": "\(error)"])
                }
            }
        }
        return .started
    }

    /// `<tenant>-<schedule>-`: the start of a schedule's timestamped backups.
    static func scheduledBackupPrefix(_ code: String, schedule: String) -> String { code + "-" + schedule + "-" }

    /// `20270328T010000Z` (UTC, sorts by time).
    static func backupStamp(_ date: Date) -> String {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let c = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d%02d%02dT%02d%02d%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0,
            c.second ?? 0)
    }

    /// The schedule's timestamped backups beyond the newest `keep` (exactly `prefix` + a stamp + `.tgz`: another
    /// schedule whose name starts the same, a manual backup or a `.part-` file is never one of them).
    static func backupsToPrune(_ names: [String], prefix: String, keep: Int) -> [String] {
        let mine = names.filter { name in
            guard name.hasPrefix(prefix), name.hasSuffix(".tgz") else { return false }
            let stamp = Array(name.dropFirst(prefix.count).dropLast(4).utf8)
            guard stamp.count == 16, stamp[8] == UInt8(ascii: "T"), stamp[15] == UInt8(ascii: "Z") else { return false }
            return stamp.enumerated().allSatisfy { index, byte in
                index == 8 || index == 15 || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            }
        }.sorted()
        return Array(mine.dropLast(max(keep, 1)))
    }
}
