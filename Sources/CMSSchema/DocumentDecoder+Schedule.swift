import CMSModel
import Yams

extension DocumentDecoder {
    static let scheduleKeys = ["name", "command", "firmware", "target", "repeat", "when", "note"]

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
        if let node = f.node("target") {
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
            name: name, command: command, firmware: firmware, target: target, repeat: repeats, when: when, note: note)
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
