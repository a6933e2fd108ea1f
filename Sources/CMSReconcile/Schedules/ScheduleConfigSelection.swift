import CMSModel

/// The files flagged `schedule: true` (SPEC §4: the file the `switch-auto-config` and `restore-config` schedules
/// use), per device, and what changed between two revisions: `schedule-config.selected` for a device whose flagged
/// file is new or another one, `schedule-config.deselected` for one that no longer has any (the original's events
/// when the operator ticks or clears the box). Pure; the scheduler stores the map with its ledger so a change made
/// while `cmsd` was down is still reported once.
public enum ScheduleConfigSelection {
    public enum Change: Sendable, Equatable {
        case selected(device: String, file: String)
        case deselected(device: String, file: String)
    }

    /// Device code → the name of its file flagged `schedule`.
    public static func map(of snapshot: TenantSnapshot) -> [String: String] {
        var result: [String: String] = [:]
        for device in snapshot.devices {
            if let file = device.configs.first(where: \.schedule) { result[device.code] = file.file }
        }
        return result
    }

    /// The changes from `previous` (nil: nothing known yet, every flagged file is new) to `next`, by device code.
    public static func changes(from previous: [String: String]?, to next: [String: String]) -> [Change] {
        let before = previous ?? [:]
        var changes: [Change] = []
        for device in Set(before.keys).union(next.keys).sorted() {
            switch (before[device], next[device]) {
            case (let old?, nil): changes.append(.deselected(device: device, file: old))
            case (nil, let new?): changes.append(.selected(device: device, file: new))
            case (let old?, let new?) where old != new: changes.append(.selected(device: device, file: new))
            default: break
            }
        }
        return changes
    }
}
