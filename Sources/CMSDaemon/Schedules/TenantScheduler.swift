import CMSModel
import CMSReconcile
import Foundation
import Logging

/// One tenant's scheduler (SPEC §8): keeps the ledger of the revision's schedules (``ScheduleBook``), wakes on the
/// injected clock at the next due time (and at least every `recheck`, so a wall-clock step is noticed), stores each
/// decision durably *before* carrying it out, and fires due schedules one after another through their
/// ``ScheduleCommandRunner``. Every fire, skip, miss and result is an event; nothing is silent.
public actor TenantScheduler {
    public nonisolated let tenant: String
    let controller: TenantController
    let ledger: any ScheduleLedgerStore
    let events: any EventStore
    let clock: any Clock<Duration>
    let now: @Sendable () -> Timestamp
    let runners: ScheduleRunners
    let recheck: Duration
    let windows: (any ScheduleWindowGate)?
    let logger: Logger

    var revision: Revision?
    var entries: [ScheduleLedgerEntry] = []
    var loaded = false
    var loop: Task<Void, Never>?
    /// The loop's current sleep; cancelled to wake it early (a new revision may bring an earlier due time).
    var sleeper: Task<Void, Never>?
    /// A ``wake()`` came while no sleep was in progress: the loop's next sleep is skipped.
    var wakePending = false
    /// Before this instant (start + `catchUpDelay`) nothing fires: devices get a chance to reconnect after a restart
    /// before due times missed during the downtime are caught up (else they would all be skipped as not connected).
    var quietUntil: Timestamp?
    let catchUpDelay: Duration
    var ticking = false
    var tickAgain = false
    var stopped = false
    /// `schedule|sha256` of firmware schedules already reported as left without their image.
    var firmwareGone: Set<String> = []
    /// Fires carried out since start (status, tests).
    public private(set) var fires = 0
    /// The next due time of any schedule (status).
    public private(set) var nextWake: Timestamp?
    /// The last error storing the ledger (status); a fire is never carried out without its ledger saved.
    public private(set) var ledgerError: String?

    public init(
        controller: TenantController, ledger: any ScheduleLedgerStore, events: any EventStore,
        clock: any Clock<Duration>, now: @escaping @Sendable () -> Timestamp,
        runners: ScheduleRunners = .standard(syslog: { _ in nil }),
        recheck: Duration = .seconds(60), catchUpDelay: Duration = .seconds(20), windows: (any ScheduleWindowGate)? = nil,
        logger: Logger
    ) {
        self.catchUpDelay = catchUpDelay
        tenant = controller.code
        self.controller = controller
        self.ledger = ledger
        self.events = events
        self.clock = clock
        self.now = now
        self.runners = runners
        self.recheck = recheck
        self.windows = windows
        self.logger = logger
    }

    /// Reads the ledger and follows the controller's revisions; call before the controller starts.
    public func start() async {
        quietUntil = now() + catchUpDelay
        do {
            entries = try await ledger.entries(tenant: tenant)
            loaded = true
            // Fires a previous process claimed and did not finish (killed mid-fire): reported, never run again.
            var cut = entries.filter { $0.firing != nil }
            if !cut.isEmpty {
                await append(
                    cut.map { entry in
                        event(
                            .scheduleAborted, entry.name, revision: nil,
                            details: [
                                "reason": "cmsd stopped while this fire was being carried out; it is not run again "
                                    + "(see the devices' events for what was done)",
                                "due": Self.iso(entry.firing!),
                            ])
                    })
                for index in cut.indices { cut[index].firing = nil }
                _ = await store(ScheduleBook.Outcome(entries: cut))
            }
        } catch {
            ledgerError = "\(error)"
            logger.error("schedule ledger unreadable: no schedule fires until it is", metadata: ["error": "\(error)"])
        }
        await controller.observeAdoptions { [weak self] revision in await self?.adopt(revision) }
        let clock = clock
        loop = Task { [weak self] in
            while !Task.isCancelled {
                guard let self else { return }
                // The deadline is fixed on the clock when the delay is computed (same actor turn), so a clock that moves
                // before the sleep is registered (a test advancing a manual clock, a busy machine) is not lost.
                let nap = await self.tickAndNap(on: clock)
                await self.sleep(nap)
            }
        }
    }

    public func shutdown() {
        stopped = true
        loop?.cancel()
        sleeper?.cancel()
        loop = nil
    }

    func sleep(_ nap: @escaping @Sendable () async -> Void) async {
        // A wake asked for while no sleep was registered (the loop between computing its nap and starting it, e.g.
        // a revision adopted meanwhile) is not lost: the nap was computed from the old state, so it is not taken.
        if wakePending {
            wakePending = false
            return
        }
        let task = Task<Void, Never> { await nap() }
        sleeper = task
        await task.value
        sleeper = nil
    }

    /// Cuts the loop's sleep short: it ticks and computes its next wake again. Without a sleep in progress, the next
    /// sleep is skipped instead.
    func wake() {
        if let sleeper {
            sleeper.cancel()
        } else {
            wakePending = true
        }
    }

    /// A revision was put in force: new, changed and deleted schedules are recorded, then whatever is due runs.
    func adopt(_ revision: Revision) async {
        guard !stopped, let snapshot = revision.snapshot else { return }
        self.revision = revision
        guard loaded else { return }
        let outcome = ScheduleBook.adopt(
            snapshot.schedules, ledger: entries, revisionTime: revision.time, now: now(),
            grace: snapshot.tenant.schedules.grace)
        guard await store(outcome) else { return }
        await append(
            outcome.actions.compactMap { action in
                switch action {
                case .added(let schedule): event(.scheduleAdded, schedule.name, revision: revision)
                case .changed(let schedule): event(.scheduleChanged, schedule.name, revision: revision)
                case .deleted(let name): event(.scheduleDeleted, name, revision: revision)
                default: nil
                }
            })
        await adoptAround(revision, snapshot: snapshot)
        await tick()
        wake()
    }

    func tickAndDelay() async -> Duration {
        await tick()
        guard let wake = nextWake else { return recheck }
        let until = wake - now()
        return max(.seconds(1), min(until, recheck))
    }

    /// ``tickAndDelay()``, then a sleep until that delay from the clock's present instant, read in the same turn.
    func tickAndNap(on clock: any Clock<Duration>) async -> @Sendable () async -> Void {
        let delay = await tickAndDelay()
        return Self.nap(on: clock, after: delay)
    }

    static func nap<C: Clock<Duration>>(on clock: C, after delay: Duration) -> @Sendable () async -> Void {
        let deadline = clock.now.advanced(by: delay)
        return { _ = try? await clock.sleep(until: deadline, tolerance: nil) }
    }

    /// Decides what is due now, stores it, then carries it out (fires one after another).
    func tick() async {
        guard !stopped, loaded, let revision, let snapshot = revision.snapshot else { return }
        guard !ticking else {
            tickAgain = true
            return
        }
        if let quietUntil, now() < quietUntil {
            nextWake = quietUntil
            return
        }
        ticking = true
        defer { ticking = false }
        repeat {
            tickAgain = false
            guard let zone = TimeZone(identifier: snapshot.tenant.timeZone) else {
                logger.error("unknown time zone: no schedule fires", metadata: ["zone": "\(snapshot.tenant.timeZone)"])
                return
            }
            let settings = snapshot.tenant.schedules
            let at = now()
            let outcome = ScheduleBook.due(
                snapshot.schedules, ledger: entries, zone: zone, grace: settings.grace, now: at,
                respectWindows: settings.respectMaintenanceWindows,
                // The tenant's maintenance windows (tenant.yaml `windows:`, issue 11) unless a gate was injected.
                windows: windows ?? WindowCalendar(windows: snapshot.tenant.windows, defaultZone: snapshot.tenant.timeZone))
            nextWake = outcome.wake
            // Durable first: a crash after this line never runs these due times again.
            guard await store(outcome) else { return }
            for action in outcome.actions {
                switch action {
                case .missed(let schedule, let latest, let count, let grace):
                    await append([
                        event(
                            .scheduleAborted, schedule.name, revision: revision,
                            details: [
                                "reason":
                                    "missed \(count == ScheduleBook.missedCountCap ? "at least " : "")\(count) due "
                                    + "time(s), the last at \(Self.iso(latest)): more than the grace "
                                    + "(\(grace.components.seconds / 60) min) ago — cmsd was not running or late",
                                "due": Self.iso(latest), "missed": String(count),
                            ])
                    ])
                case .outsideWindow(let schedule, let due):
                    await append([
                        event(
                            .scheduleAborted, schedule.name, revision: revision,
                            details: ["reason": "due outside the tenant's maintenance windows", "due": Self.iso(due)])
                    ])
                case .fire(let schedule, let due, let skipped):
                    await fire(schedule, due: due, skipped: skipped, revision: revision, snapshot: snapshot)
                    if var entry = entries.first(where: { $0.name == schedule.name }), entry.firing != nil {
                        entry.firing = nil
                        _ = await store(ScheduleBook.Outcome(entries: [entry]))
                    }
                default:
                    break
                }
            }
        } while tickAgain && !stopped
    }

    /// Carries out one fire: `schedule.fired`, the command's `preparing`, a skip per device not connected, the
    /// runner's orders, a `schedule.aborted` per device refused, the command's `all-started`.
    func fire(_ schedule: Schedule, due: Timestamp, skipped: Int, revision: Revision, snapshot: TenantSnapshot) async {
        fires += 1
        var details = [
            "due": Self.iso(due), "command": schedule.command.rawValue,
            "target": schedule.command.isTenantWide ? "tenant" : Self.describe(schedule.target),
        ]
        if skipped > 0 { details["folded"] = String(skipped) }
        await append([event(.scheduleFired, schedule.name, revision: revision, details: details)])
        guard let runner = runners.byCommand[schedule.command] else {
            let reason =
                ScheduleCommands.notCarriedOutReason(schedule.command)
                ?? "no runner for \(schedule.command.rawValue) in this cmsd"
            await append([event(.scheduleAborted, schedule.name, revision: revision, details: ["reason": reason])])
            return
        }
        guard let (preparing, allStarted) = Self.eventTypes(schedule.command) else {
            await fireTenantWide(schedule, due: due, runner: runner, revision: revision)
            return
        }
        await append([event(preparing, schedule.name, revision: revision, details: details)])
        var targets = Self.targets(of: schedule, in: snapshot)
        var skips: [Event] = []
        if !runner.includesDisconnected {
            var reachable: [String] = []
            for device in targets {
                let state = await controller.deviceState(device)
                if state == .connected || state == .communicating {
                    reachable.append(device)
                } else {
                    skips.append(
                        event(
                            .scheduleAborted, schedule.name, device: device, revision: revision,
                            details: [
                                "reason": "\(device) is not connected (\(state?.rawValue ?? "not managed")): skipped",
                                "due": Self.iso(due),
                            ]))
                }
            }
            targets = reachable
        }
        await append(skips)
        let firing = ScheduleFiring(schedule: schedule, due: due, devices: targets, revision: revision.commit)
        let outcomes = targets.isEmpty ? [:] : await runner.run(firing, controller: controller)
        var refused: [Event] = []
        for device in targets.sorted() {
            if case .refused(let reason) = outcomes[device] ?? .refused("no outcome") {
                refused.append(
                    event(
                        .scheduleAborted, schedule.name, device: device, revision: revision,
                        details: ["reason": "\(device): \(reason)", "due": Self.iso(due)]))
            }
        }
        await append(refused)
        let started = targets.count - refused.count
        await append([
            event(
                allStarted, schedule.name, revision: revision,
                details: details.merging(
                    ["started": String(started), "skipped": String(skips.count), "refused": String(refused.count)],
                    uniquingKeysWith: { $1 }))
        ])
        logger.info(
            "schedule fired",
            metadata: [
                "schedule": "\(schedule.name)", "due": "\(Self.iso(due))", "started": "\(started)",
                "skipped": "\(skips.count)", "refused": "\(refused.count)",
            ])
    }

    /// A command on the tenant as a whole (`tenant-backup`): no device targets and no skips; its own events
    /// (`tenant.backup.*`, the schedule as user) say how it went, and a failure is also a `schedule.aborted`.
    func fireTenantWide(_ schedule: Schedule, due: Timestamp, runner: any ScheduleCommandRunner, revision: Revision) async {
        let firing = ScheduleFiring(schedule: schedule, due: due, devices: [], revision: revision.commit)
        let outcome = await runner.run(firing, controller: controller)[tenant] ?? .refused("no outcome")
        if case .refused(let reason) = outcome {
            await append([
                event(.scheduleAborted, schedule.name, revision: revision, details: ["reason": reason, "due": Self.iso(due)])
            ])
        }
        logger.info(
            "schedule fired", metadata: ["schedule": "\(schedule.name)", "due": "\(Self.iso(due))", "outcome": "\(outcome)"])
    }

    // MARK: - Status

    /// The schedules of the revision in force, with their ledger and next `count` fires.
    public func listing(next count: Int) -> (revision: Revision?, entries: [String: ScheduleLedgerEntry]) {
        (revision, Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }))
    }

    // MARK: - Helpers

    /// Saves the outcome's ledger changes; false (and nothing is carried out) when the store fails.
    func store(_ outcome: ScheduleBook.Outcome) async -> Bool {
        guard !outcome.entries.isEmpty || !outcome.removed.isEmpty else { return true }
        do {
            try await ledger.save(tenant: tenant, entries: outcome.entries, removed: outcome.removed)
            ledgerError = nil
        } catch {
            ledgerError = "\(error)"
            logger.error("could not store the schedule ledger: nothing fires", metadata: ["error": "\(error)"])
            return false
        }
        var byName = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for name in outcome.removed { byName[name] = nil }
        for entry in outcome.entries { byName[entry.name] = entry }
        entries = byName.values.sorted { $0.name < $1.name }
        return true
    }

    func event(
        _ type: EventType, _ schedule: String, device: String? = nil, revision: Revision?,
        details: [String: String] = [:]
    ) -> Event {
        var details = details
        details["schedule"] = schedule
        return Event(
            time: now(), tenant: tenant, type: type, device: device, user: "schedule:" + schedule,
            revision: revision?.commit, details: details)
    }

    func append(_ list: [Event]) async {
        guard !list.isEmpty else { return }
        do {
            try await events.append(list)
        } catch {
            logger.error("could not record schedule events", metadata: ["error": "\(error)", "count": "\(list.count)"])
        }
    }

    static func targets(of schedule: Schedule, in snapshot: TenantSnapshot) -> [String] {
        switch schedule.target {
        case .all: return snapshot.devices.map(\.code).sorted()
        case .group(let name): return (snapshot.group(name)?.members.map(\.device) ?? []).sorted()
        }
    }

    static func describe(_ target: Schedule.Target) -> String {
        switch target {
        case .all: return "all"
        case .group(let name): return "group " + name
        }
    }

    /// The command's `preparing` / `all-started` pair (SPEC §9's per-command events); nil for a tenant-wide command.
    static func eventTypes(_ command: Schedule.Command) -> (preparing: EventType, allStarted: EventType)? {
        switch command {
        case .fetchSyslog: return (.scheduleSyslogFetchPreparing, .scheduleSyslogFetchAllStarted)
        case .reboot: return (.scheduleRebootPreparing, .scheduleRebootAllStarted)
        case .switchAutoConfig: return (.scheduleAutoConfigRebootPreparing, .scheduleAutoConfigRebootAllStarted)
        case .restoreConfig: return (.scheduleConfigRestorePreparing, .scheduleConfigRestoreAllStarted)
        case .firmwareUpdate, .firmwareUpdateNoReboot:
            return (.scheduleFirmwareUpdatePreparing, .scheduleFirmwareUpdateAllStarted)
        case .tenantBackup: return nil
        }
    }

    static func iso(_ timestamp: Timestamp) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(
            from: Date(timeIntervalSince1970: TimeInterval(timestamp.microsecondsSince1970 / 1_000_000)))
    }
}

extension TenantController {
    /// Registers `observer` for every revision put in force (after its devices are set up).
    public func observeAdoptions(_ observer: @escaping @Sendable (Revision) async -> Void) {
        adoptionObservers.append(observer)
        // A revision already in force (the scheduler started after the controller) is handed over at once.
        if let inForce { Task { await observer(inForce) } }
    }

    /// The lifecycle state of a managed device (nil: not managed by the revision in force).
    public func deviceState(_ device: String) async -> DeviceState? {
        guard let agent = agents[device] else { return nil }
        return await agent.info().state
    }
}
