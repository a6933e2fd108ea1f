import CMSAPI
import CMSModel
import CMSReconcile
import Foundation

extension TenantScheduler {
    /// The schedules of the revision in force with their next `count` fires in the tenant's zone and UTC
    /// (`cms schedules`).
    public func list(next count: Int) -> ScheduleList {
        let snapshot = revision?.snapshot
        let tenant = snapshot?.tenant
        let zoneName = tenant?.timeZone ?? "UTC"
        let zone = TimeZone(identifier: zoneName) ?? TimeZone(identifier: "UTC")!
        let byName = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let at = now()
        let listings = (snapshot?.schedules ?? []).sorted { $0.name < $1.name }.map { schedule -> ScheduleListing in
            let entry = byName[schedule.name]
            let done = entry?.done ?? false
            var next: [ScheduleListing.FireTime] = []
            if !done {
                let calendar = ScheduleCalendar(schedule.when, zone: zone)
                let from = max(at, entry?.reference ?? at)
                next = calendar.fires(after: from, count: schedule.repeat ? count : 1).map {
                    ScheduleListing.FireTime(utc: Self.iso($0), local: Self.local($0, zone: zone))
                }
            }
            return ScheduleListing(
                name: schedule.name, command: schedule.command.rawValue, firmware: schedule.firmware,
                target: schedule.command.isTenantWide ? "tenant" : Self.describe(schedule.target), repeat: schedule.repeat, when: Self.describe(schedule.when),
                note: schedule.note, carriedOut: runners.byCommand[schedule.command] != nil,
                reason: runners.byCommand[schedule.command] == nil
                    ? ScheduleCommands.notCarriedOutReason(schedule.command)
                        ?? "no runner for \(schedule.command.rawValue) in this cmsd" : nil,
                lastFire: entry?.lastFire.map(Self.iso), done: done, next: next)
        }
        return ScheduleList(
            tenant: self.tenant, timeZone: zoneName,
            graceMinutes: tenant?.schedules.graceMinutes ?? ScheduleSettings.defaultGraceMinutes,
            respectMaintenanceWindows: tenant?.schedules.respectMaintenanceWindows ?? false,
            revision: revision?.commit, schedules: listings)
    }

    static func local(_ timestamp: Timestamp, zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = zone
        return formatter.string(
            from: Date(timeIntervalSince1970: TimeInterval(timestamp.microsecondsSince1970 / 1_000_000)))
    }

    static func describe(_ time: ScheduleTime) -> String {
        func field(_ value: Int?) -> String { value.map { String(format: "%02d", $0) } ?? "*" }
        switch time {
        case .monthDay(let month, let day, let hour, let minute):
            return "month \(month.map(String.init) ?? "*") day \(day.map(String.init) ?? "*") "
                + "\(field(hour)):\(field(minute))"
        case .weekday(let weekdays, let hour, let minute):
            return "weekday \(weekdays.rawValue) \(field(hour)):\(field(minute))"
        }
    }
}
