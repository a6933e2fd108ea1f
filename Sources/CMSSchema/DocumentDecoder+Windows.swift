import CMSModel
import Foundation
import Yams

/// tenant.yaml `windows:` (maintenance windows) and the firmware fields of `rollout:`.
extension DocumentDecoder {
    static let rolloutKeys = [
        "maxConcurrent", "canary", "soak", "batchSize", "maxFailures", "pause", "windows", "transferRetries",
        "rebootDeadline",
    ]

    /// `rollout:` of a tenant (`maxConcurrent` capped by the server's firmware batch limit).
    static func decodeRollout(_ r: Fields, limits: Limits) -> Tenant.Rollout {
        decodeRolloutOverride(r, limits: limits).applied(to: Tenant.Rollout(maxConcurrent: limits.firmwareBatch))
    }

    /// The fields a `rollout:` mapping sets (a tenant's, or a group's over the tenant's).
    static func decodeRolloutOverride(_ r: Fields, limits: Limits) -> RolloutOverride {
        var rollout = RolloutOverride()
        rollout.maxConcurrent = r.int("maxConcurrent", range: 1...max(1, limits.firmwareBatch))
        rollout.canary = r.int("canary", range: 0...100_000)
        rollout.soakSeconds = duration(r, "soak", range: 0...604_800)
        rollout.batchSize = amount(r, "batchSize", minimum: 1)
        rollout.maxFailures = amount(r, "maxFailures", minimum: 0)
        rollout.pauseSeconds = duration(r, "pause", range: 0...604_800)
        rollout.transferRetries = r.int("transferRetries", range: 0...10)
        rollout.rebootDeadlineSeconds = duration(r, "rebootDeadline", range: 30...86_400)
        if let list = r.sequence("windows") {
            var windows: [String] = []
            for (i, node) in list.enumerated() {
                guard case .scalar(let scalar) = node else {
                    r.reader.report(.fieldType, at: node.position, "`rollout.windows[\(i)]` must be a window name")
                    continue
                }
                windows.append(scalar.string)
                r.reader.positions["rollout.windows[\(scalar.string)]"] = node.position ?? r.position
            }
            rollout.windows = windows
        }
        return rollout
    }

    /// `windows:` of a tenant; names unique, every field checked.
    static func decodeWindows(_ f: Fields) -> [MaintenanceWindow] {
        guard let list = f.sequence("windows") else { return [] }
        var windows: [MaintenanceWindow] = []
        var seen: Set<String> = []
        for (i, node) in list.enumerated() {
            guard
                let w = Fields(
                    node, path: "windows[\(i)]",
                    allowed: ["name", "weekly", "monthly", "start", "duration", "timeZone"], reader: f.reader)
            else { continue }
            let name = w.string("name", required: true, maxLength: 32, nonEmpty: true)
            if let name, !seen.insert(name).inserted {
                w.reader.report(
                    .windowDuplicateName, at: w.position(of: "name"), "window `\(name)` is declared twice")
            }
            var recurrence: MaintenanceWindow.Recurrence?
            switch (w.node("weekly"), w.node("monthly")) {
            case (let weekly?, nil):
                recurrence = weekdays(weekly, w)
            case (nil, _?):
                if let day = w.int("monthly", range: 1...31) { recurrence = .monthly(day: day) }
            case (nil, nil):
                w.reader.report(
                    .windowFormat, at: w.position, "window `\(name ?? "")` needs `weekly: [mon, …]` or `monthly: DAY`")
            default:
                w.reader.report(
                    .windowFormat, at: w.keyPosition(of: "monthly"), "a window is `weekly` or `monthly`, not both")
            }
            var start: (Int, Int)?
            if let text = w.string("start", required: true) {
                start = clockTime(text)
                if start == nil {
                    w.reader.report(
                        .windowFormat, at: w.position(of: "start"),
                        "window start `\(text)` must be HH:MM (00:00–23:59) in the window's time zone")
                }
            }
            let length = duration(w, "duration", range: 60...(31 * 86_400), required: true)
            let zone = w.string("timeZone")
            if let zone, TimeZone(identifier: zone) == nil || zone.isEmpty {
                w.reader.report(
                    .tenantTimeZone, at: w.position(of: "timeZone"), "`\(zone)` is not a known IANA time zone",
                    hint: "e.g. Asia/Tokyo, Europe/Berlin, UTC")
            }
            guard let name, let recurrence, let start, let length else { continue }
            f.reader.positions["windows[\(name)]"] = w.position(of: "name")
            windows.append(
                MaintenanceWindow(
                    name: name, recurrence: recurrence, startHour: start.0, startMinute: start.1,
                    durationSeconds: length, timeZone: zone))
        }
        return windows
    }

    /// Rollout windows must name declared windows.
    static func checkRolloutWindows(_ rollout: Tenant.Rollout, windows: [MaintenanceWindow], reader: DocumentReader) {
        let names = Set(windows.map(\.name))
        for name in rollout.windows where !names.contains(name) {
            reader.report(
                .rolloutUnknownWindow, at: reader.positions["rollout.windows[\(name)]"],
                "rollout window `\(name)` is not declared in `windows:`",
                hint: names.isEmpty
                    ? "declare it, e.g. `windows: [{name: \(name), weekly: [sat], start: \"02:00\", duration: 4h}]`"
                    : "declared: " + names.sorted().joined(separator: ", "))
        }
    }

    private static func weekdays(_ node: Node, _ w: Fields) -> MaintenanceWindow.Recurrence? {
        guard case .sequence(let sequence) = node, !sequence.isEmpty else {
            w.reader.report(.windowFormat, at: node.position, "`weekly` must be a list of days, e.g. [mon, wed, fri]")
            return nil
        }
        var days: [MaintenanceWindow.Weekday] = []
        for item in sequence {
            guard case .scalar(let scalar) = item, let day = MaintenanceWindow.Weekday(rawValue: scalar.string) else {
                w.reader.report(
                    .windowFormat, at: item.position,
                    "unknown day in `weekly`; use " + MaintenanceWindow.Weekday.allCases.map(\.rawValue).joined(separator: ", "))
                return nil
            }
            if !days.contains(day) { days.append(day) }
        }
        return .weekly(days)
    }

    /// `HH:MM` → (hour, minute).
    static func clockTime(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
            (0...23).contains(h), (0...59).contains(m)
        else { return nil }
        return (h, m)
    }

    /// A duration: an integer (seconds) or `1h30m`, `10m`, `45s`.
    static func parseDuration(_ text: String) -> Int? {
        if let seconds = Int(text) { return seconds >= 0 ? seconds : nil }
        var total = 0
        var number = ""
        for ch in text {
            if ch.isASCII, ch.isNumber {
                number.append(ch)
                continue
            }
            guard let n = Int(number) else { return nil }
            switch ch {
            case "d": total += n * 86_400
            case "h": total += n * 3_600
            case "m": total += n * 60
            case "s": total += n
            default: return nil
            }
            number = ""
        }
        return number.isEmpty && !text.isEmpty ? total : nil
    }

    static func duration(_ f: Fields, _ key: String, range: ClosedRange<Int>, required: Bool = false) -> Int? {
        guard let text = f.string(key, required: required) else { return nil }
        guard let seconds = parseDuration(text) else {
            f.reader.report(
                .fieldType, at: f.position(of: key),
                "`\(f.qualified(key))` must be a duration like 90s, 10m, 2h or 1h30m, found `\(text)`")
            return nil
        }
        guard range.contains(seconds) else {
            f.reader.report(
                .fieldRange, at: f.position(of: key),
                "`\(f.qualified(key))` is \(seconds) s; allowed \(range.lowerBound)–\(range.upperBound) s")
            return nil
        }
        return seconds
    }

    /// A count (`5`) or a percentage (`20%`).
    static func amount(_ f: Fields, _ key: String, minimum: Int) -> Amount? {
        guard let text = f.numberOrWord(key) else { return nil }
        var value: Amount?
        if text.hasSuffix("%"), let p = Int(text.dropLast()), (minimum...100).contains(p) {
            value = .percent(p)
        } else if let n = Int(text), n >= minimum {
            value = .count(n)
        }
        if value == nil {
            f.reader.report(
                .fieldRange, at: f.position(of: key),
                "`\(f.qualified(key))` must be a count ≥ \(minimum) or a percentage like 20%, found `\(text)`")
        }
        return value
    }
}
