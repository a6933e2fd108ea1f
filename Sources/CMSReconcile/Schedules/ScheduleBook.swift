import CMSModel
import Foundation

/// Whether an instant falls inside the tenant's maintenance windows. The windows themselves belong to the firmware
/// rollouts (issue 11); the scheduler only asks this question, so it takes whatever answers it.
public protocol ScheduleWindowGate: Sendable {
    func allows(_ instant: Timestamp) -> Bool
}

/// The scheduler's decisions as values (SPEC §8): given the schedules of the revision in force, the ledger of what was
/// fired, the tenant's grace period and now, what to fire, what to report as missed, what to store, and when to look
/// again. No clock, no I/O: the daemon stores ``Outcome/entries`` durably, *then* carries out the fires.
public enum ScheduleBook {
    public enum Action: Sendable, Equatable {
        case added(Schedule)
        case changed(Schedule)
        case deleted(String)
        /// Fire `schedule` for its due time `due`; `skipped` earlier due times within the grace were folded into it.
        case fire(Schedule, due: Timestamp, skipped: Int)
        /// `count` due times up to `latest` passed more than the grace ago (cmsd was down or late): not run.
        case missed(Schedule, latest: Timestamp, count: Int, grace: Duration)
        /// The due time fell outside the tenant's maintenance windows and the tenant asked to respect them.
        case outsideWindow(Schedule, due: Timestamp)
    }

    public struct Outcome: Sendable, Equatable {
        public var actions: [Action] = []
        /// Ledger entries to save (new or changed) — before any fire is carried out.
        public var entries: [ScheduleLedgerEntry] = []
        /// Ledger entries to delete (schedules gone from the revision).
        public var removed: [String] = []
        /// The next due time of any schedule (nil: none will ever fire).
        public var wake: Timestamp?

        public init(
            actions: [Action] = [], entries: [ScheduleLedgerEntry] = [], removed: [String] = [], wake: Timestamp? = nil
        ) {
            self.actions = actions
            self.entries = entries
            self.removed = removed
            self.wake = wake
        }

        public var fires: [(schedule: Schedule, due: Timestamp)] {
            actions.compactMap { if case .fire(let s, let due, _) = $0 { (s, due) } else { nil } }
        }
    }

    /// How many missed due times are counted before saying "at least".
    public static let missedCountCap = 1000

    /// The fields that decide when and on what a schedule fires; its note is not one of them.
    public static func fingerprint(_ schedule: Schedule) -> String {
        let target: String
        switch schedule.target {
        case .all: target = "all"
        case .group(let group): target = "group:" + group
        }
        var fields = [
            schedule.command.rawValue, schedule.firmware ?? "-", target, schedule.repeat ? "repeat" : "once",
            "\(schedule.when)",
        ]
        // Only where it is set: the fingerprints of schedules without it stay what earlier versions stored.
        if let backup = schedule.backup {
            fields.append("backup:\(backup.to ?? "-"):\(backup.includeEvents ? "events" : "-"):\(backup.keep)")
        }
        return fields.joined(separator: "|")
    }

    /// A revision was put in force: schedules new or changed in it start counting from the revision's time (so one
    /// committed a minute before its time still fires once the revision is adopted, within the grace), never from
    /// before the previous version's last handled fire (an edit never fires the same due time twice), never more than
    /// the grace before now (a first start does not replay history).
    public static func adopt(
        _ schedules: [Schedule], ledger: [ScheduleLedgerEntry], revisionTime: Timestamp, now: Timestamp,
        grace: Duration
    ) -> Outcome {
        var outcome = Outcome()
        let known = Dictionary(ledger.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let start = min(now, max(revisionTime, now - grace))
        for schedule in schedules.sorted(by: { $0.name < $1.name }) {
            let fingerprint = fingerprint(schedule)
            guard let entry = known[schedule.name] else {
                outcome.entries.append(ScheduleLedgerEntry(name: schedule.name, fingerprint: fingerprint, since: start))
                outcome.actions.append(.added(schedule))
                continue
            }
            guard entry.fingerprint != fingerprint else { continue }
            outcome.entries.append(
                ScheduleLedgerEntry(
                    name: schedule.name, fingerprint: fingerprint, since: max(start, entry.handled ?? start),
                    handled: entry.handled, lastFire: entry.lastFire))
            outcome.actions.append(.changed(schedule))
        }
        let names = Set(schedules.map(\.name))
        for entry in ledger.sorted(by: { $0.name < $1.name }) where !names.contains(entry.name) {
            outcome.removed.append(entry.name)
            outcome.actions.append(.deleted(entry.name))
        }
        return outcome
    }

    /// What is due at `now`. Per schedule: the latest due time within the grace fires (once, however many fell in
    /// it); due times older than the grace are one `missed` action; a once-only schedule is then done. Fires come out
    /// ordered by due time, then name: schedules due at the same time run one after another.
    public static func due(
        _ schedules: [Schedule], ledger: [ScheduleLedgerEntry], zone: TimeZone, grace: Duration, now: Timestamp,
        respectWindows: Bool = false, windows: (any ScheduleWindowGate)? = nil
    ) -> Outcome {
        var outcome = Outcome()
        let known = Dictionary(ledger.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let windowStart = now - grace
        var fires: [(Schedule, Timestamp, Int)] = []
        for schedule in schedules.sorted(by: { $0.name < $1.name }) {
            guard var entry = known[schedule.name], !entry.done else { continue }
            let calendar = ScheduleCalendar(schedule.when, zone: zone)
            guard let first = calendar.next(after: entry.reference) else { continue }
            guard first <= now else {
                outcome.wake = min(outcome.wake ?? first, first)
                continue
            }
            // Due times older than the grace: counted, reported, not run.
            var missed = 0
            var latestMissed: Timestamp?
            var cursor = first
            while cursor < windowStart {
                missed += 1
                latestMissed = cursor
                guard missed < missedCountCap, let next = calendar.next(after: cursor) else { break }
                cursor = next
            }
            if missed >= missedCountCap, cursor < windowStart,
                let resume = calendar.next(after: max(cursor, windowStart - .seconds(1)))
            {
                cursor = resume
            }
            // Due times within the grace: the latest one fires, the earlier ones fold into it.
            var inGrace: [Timestamp] = []
            while cursor >= windowStart, cursor <= now {
                inGrace.append(cursor)
                guard let next = calendar.next(after: cursor) else { break }
                cursor = next
            }
            if let latestMissed {
                outcome.actions.append(.missed(schedule, latest: latestMissed, count: missed, grace: grace))
                entry.handled = latestMissed
            }
            if let due = inGrace.last {
                entry.handled = due
                if respectWindows, let windows, !windows.allows(due) {
                    outcome.actions.append(.outsideWindow(schedule, due: due))
                } else {
                    fires.append((schedule, due, inGrace.count - 1))
                    entry.lastFire = due
                    entry.firing = due
                }
            }
            if !schedule.repeat { entry.done = true }
            outcome.entries.append(entry)
            if schedule.repeat, let next = calendar.next(after: entry.reference) {
                outcome.wake = min(outcome.wake ?? next, next)
            }
        }
        fires.sort { ($0.1, $0.0.name) < ($1.1, $1.0.name) }
        outcome.actions += fires.map { .fire($0.0, due: $0.1, skipped: $0.2) }
        return outcome
    }
}
