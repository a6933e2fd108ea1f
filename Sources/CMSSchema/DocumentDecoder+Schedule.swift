import CMSModel
import Yams

extension DocumentDecoder {
    static let scheduleKeys = ["name", "command", "firmware", "target", "repeat", "when", "note", "backup"]

    static func decodeSchedule(_ root: Node, _ reader: DocumentReader) -> Schedule? {
        guard let f = Fields(root, path: "", allowed: header(scheduleKeys), reader: reader) else { return nil }
        let name = f.string("name", required: true, maxLength: 32, nonEmpty: true)
        let command = f.enumeration("command", Schedule.Command.self, required: true)
        let firmware = f.string("firmware", nonEmpty: true)
        f.record("firmware")
        if let command {
            if command.usesFirmware && firmware == nil && !f.has("firmware") {
                reader.report(
                    .scheduleFirmwareRequired, at: f.position(of: "command"),
                    "\(command.rawValue) needs `firmware:` naming a Firmware document")
            } else if !command.usesFirmware && f.has("firmware") {
                reader.report(
                    .scheduleFirmwareUnexpected, at: f.keyPosition(of: "firmware"),
                    "\(command.rawValue) does not use a firmware image", hint: "remove `firmware`")
            }
        }
        var target: Schedule.Target = .all
        let backup = decodeBackup(f, command: command, reader)
        if command?.isTenantWide == true {
            // The tenant as a whole: a target would be ignored.
            if f.has("target") {
                reader.report(
                    .fieldUnknown, at: f.keyPosition(of: "target"),
                    "`target` does not apply to \(command!.rawValue): it backs up the whole tenant",
                    hint: "remove `target`")
                f.markInvalid("target")
            }
        } else if let node = f.node("target") {
            f.record("target")
            if case .scalar(let scalar) = node, scalar.string == "all" {
                target = .all
            } else if case .mapping = node, let t = Fields(node, path: "target", allowed: ["group"], reader: reader) {
                if let group = t.string("group", required: true, nonEmpty: true) {
                    target = .group(group)
                    t.record("group")
                }
            } else if case .scalar(let scalar) = node {
                reader.report(
                    .fieldType, at: node.position, "`target` is `\(scalar.string)`; write `all` or `{group: NAME}`")
                f.markInvalid("target")
            }
        } else {
            f.missing("target", hint: "write target: all, or target: {group: NAME}")
        }
        let repeats = f.bool("repeat") ?? true
        let when = decodeWhen(f, reader)
        let note = f.string("note", maxLength: 64) ?? ""
        guard let name, let command, let when else { return nil }
        f.record("name")
        f.record("when")
        return Schedule(
            name: name, command: command, firmware: firmware, target: target, repeat: repeats, when: when, note: note,
            backup: backup)
    }

    /// `backup: {to, includeEvents, keep}`, for `tenant-backup` only (docs/backup.md#by-schedule).
    private static func decodeBackup(_ f: Fields, command: Schedule.Command?, _ reader: DocumentReader) -> Schedule.Backup? {
        guard let command else { return nil }
        guard command == .tenantBackup else {
            if f.has("backup") {
                reader.report(
                    .fieldUnknown, at: f.keyPosition(of: "backup"),
                    "`backup` applies only to tenant-backup schedules, not \(command.rawValue)", hint: "remove `backup`")
                f.markInvalid("backup")
            }
            return nil
        }
        guard let b = f.mapping("backup", allowed: ["to", "includeEvents", "keep"]) else { return Schedule.Backup() }
        f.record("backup")
        let to = b.string("to", maxLength: 300, nonEmpty: true)
        if let to, let problem = backupTargetProblem(to) {
            reader.report(.fieldType, at: b.position(of: "to"), "`backup.to`: \(problem)", hint: backupTargetHint)
            b.markInvalid("to")
        }
        let includeEvents = b.bool("includeEvents") ?? false
        let keep = b.int("keep", range: Schedule.Backup.keepRange)
        if b.has("keep") && b.has("to") {
            reader.report(
                .fieldUnknown, at: b.keyPosition(of: "keep"),
                "`backup.keep` counts the timestamped backups written without `to`; a `to` file is replaced at each fire",
                hint: "remove `keep`, or `to` to keep timestamped backups")
            b.markInvalid("keep")
        }
        return Schedule.Backup(to: to, includeEvents: includeEvents, keep: keep ?? Schedule.Backup.defaultKeep)
    }

    static let backupTargetHint = "a file name inside the tenant's backup folder, or ssh://account@host:port/path"

    /// What is wrong with a backup target's shape (the rules of `cms tenant backup --to`, CMSBackup.BackupTarget),
    /// or nil. What only `cmsd` knows (its `backup.ssh` settings, the server) is checked when the schedule fires.
    static func backupTargetProblem(_ text: String) -> String? {
        if text.hasPrefix("ssh://") {
            let rest = text.dropFirst("ssh://".count)
            guard let slash = rest.firstIndex(of: "/") else { return "\(text) has no path" }
            let authority = rest[..<slash]
            guard let at = authority.lastIndex(of: "@"), at != authority.startIndex,
                authority.index(after: at) != authority.endIndex
            else { return "\(text) needs an account and a host (ssh://account@host:port/path)" }
            guard rest[slash...].utf8.count <= 255 else { return "the path on the server is longer than 255 bytes" }
            return nil
        }
        if text.contains("://") { return "\(text): only ssh:// URLs and file names are accepted" }
        guard text.utf8.count <= 255 else { return "the file name is longer than 255 bytes" }
        if text.hasPrefix("/") || text.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) {
            return "\(text): a local backup is a name inside the tenant's backup folder (no leading /, no ..)"
        }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "the file name has control characters"
        }
        return nil
    }

    private static func decodeWhen(_ f: Fields, _ reader: DocumentReader) -> ScheduleTime? {
        guard let w = f.mapping("when", allowed: ["month", "day", "weekday", "hour", "minute"], required: true)
        else { return nil }
        let minute = w.int("minute", required: true, range: 0...59)
        let hour = w.intOrAny("hour", range: 0...23)
        if w.has("weekday") {
            if w.has("month") || w.has("day") {
                reader.report(
                    .scheduleWhenForm, at: w.keyPosition(of: w.has("month") ? "month" : "day"),
                    "`when` takes either month/day or weekday, not both")
            }
            guard let weekday = w.enumeration("weekday", ScheduleTime.WeekdayClass.self), let minute else {
                return nil
            }
            return .weekday(weekday, hour: hour ?? nil, minute: minute)
        }
        let month = w.intOrAny("month", range: 1...12)
        let day = w.intOrAny("day", range: 1...31)
        if let month = month ?? nil, let day = day ?? nil, day > maxDay(ofMonth: month) {
            reader.report(
                .scheduleImpossibleDate, at: w.position(of: "day"),
                "month \(month) never has day \(day); the schedule would never fire")
        }
        guard let minute else { return nil }
        return .monthDay(month: month ?? nil, day: day ?? nil, hour: hour ?? nil, minute: minute)
    }

    static func maxDay(ofMonth month: Int) -> Int {
        switch month {
        case 2: return 29
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
