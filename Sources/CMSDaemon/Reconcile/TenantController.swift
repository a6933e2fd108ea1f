import CMSAPI
import CMSModel
import CMSPlan
import CMSReconcile
import Foundation
import GitSource
import Logging
import NETCONFClient

/// One tenant's reconciler (DESIGN §3): desired state from git (poll + on demand), one ``DeviceAgent`` per device,
/// retry and drift timers, safe prune, status. Runs go through `cmsd`'s one ``WorkQueue`` (shared by all tenants):
/// the controller registers its worker (``perform(_:_:)``) and only sets its caps when it adopts a revision.
///
/// Triggers only enqueue a device; every run re-reads desired and observed state.
public actor TenantController {
    public nonisolated let code: String
    public nonisolated let configuration: TenantConfiguration
    let source: any DesiredStateSource
    let events: any EventStore
    let state: any StateStore
    let directory: DeviceDirectory
    let applier: Applier
    /// The daemon's one work queue (caps, fairness, one run per device at a time).
    let work: WorkQueue
    let timing: DaemonTiming
    let logger: Logger
    let now: @Sendable () -> Timestamp
    var context: DeviceContext
    /// The agents' lifecycle states as they post them (status reads these instead of asking every agent).
    let states = DeviceStateBoard()

    var tracker: DesiredStateTracker
    /// The revision whose devices are managed now (lint-clean; nil before the first good one).
    var inForce: Revision?
    var agents: [String: DeviceAgent] = [:]
    var records: [String: DeviceRecord] = [:]
    /// Devices gone from git that safe prune keeps (and does not reconcile).
    var pruneRefusal: (revision: String, message: String)?
    var lastFetch: Timestamp?
    var requestedBy: [String: String] = [:]
    /// Apply intents left open by a previous process (killed mid-apply), by device: closed once the device is verified.
    var interrupted: [String: [Int64]] = [:]
    var retryTimers: [String: Task<Void, Never>] = [:]
    var loops: [Task<Void, Never>] = []
    /// Runs in progress, per device, counted by the worker itself (more than 1 would be a device run twice at once).
    var inFlight: [String: Int] = [:]
    /// Disruptive operations waiting for their turn on the queue, one per device (``submitDisruptive(_:_:)``).
    var pendingOperations: [String: DisruptiveOperation] = [:]
    /// The wait timer of each pending operation (``DaemonTiming/requestWait``), cancelled when it runs.
    var pendingWaits: [String: (id: UUID, timer: Task<Void, Never>)] = [:]
    /// The tenant's config archive (``attachArchive(dataFolder:)``); nil until attached.
    var archiver: TenantArchiver?
    /// Baseline parts of the revision in force, parsed once per device and revision (not on every run and drift tick).
    var baselineParts: (revision: String?, byDevice: [String: (parts: [any ManagedPart], error: String?)]) = (nil, [:])
    var stopped = false
    /// Why the tenant's CRP secret cannot be read (every announcement is refused meanwhile); nil when it can.
    var crpSecretProblem: String?
    /// The tenant's condition as last reported: its `since` moves only when the status or reason changes.
    var lastCondition: SyncCondition?
    /// Why the last fetch of a private repository was refused (credentials, host key, certificate); nil otherwise.
    var sourceAccess: GitAccessFailure?
    /// Counters for `/metrics`.
    public private(set) var metrics = TenantMetrics()
    /// Firmware rollouts (issue 11; nil when the daemon runs without them).
    var firmware: FirmwareEngine?
    /// IPsec distribution (nil when the tenant's IPsec secret could not be had: `ipsecError` says why).
    var ipsec: TenantIPsec?
    var ipsecError: String?
    /// Where the tenant's CRP secret goes for the listener (nil: announcements are not checked here).
    let crpSecrets: CRPSecrets?
    /// The server's device cap, shared with the other tenants (nil: no cap).
    let deviceBudget: DeviceBudget?
    /// Told of every revision put in force, after its devices are set up (mail alerts read their settings and the
    /// monitor group, the scheduler its schedules): ``observeAdoptions(_:)``.
    var adoptionObservers: [@Sendable (Revision) async -> Void] = []

    public init(
        configuration: TenantConfiguration, source: any DesiredStateSource, events: any EventStore,
        state: any StateStore, directory: DeviceDirectory, context: DeviceContext, work: WorkQueue,
        timing: DaemonTiming, logger: Logger,
        now: @escaping @Sendable () -> Timestamp = DeviceContext.wallClock, ipsecSecret: [UInt8]? = nil,
        crpSecrets: CRPSecrets? = nil, deviceBudget: DeviceBudget? = nil
    ) {
        self.crpSecrets = crpSecrets
        self.deviceBudget = deviceBudget
        if let ipsecSecret {
            do {
                ipsec = try TenantIPsec(secret: ipsecSecret)
            } catch {
                ipsecError = "\(error)"
            }
        } else {
            ipsecError = "no IPsec secret was given to the tenant"
        }
        code = configuration.code
        self.configuration = configuration
        self.source = source
        self.events = events
        self.state = state
        self.directory = directory
        var context = context
        context.stateBoard = states
        self.context = context
        self.work = work
        self.timing = timing
        self.logger = logger
        self.now = now
        tracker = DesiredStateTracker(tenant: configuration.code)
        applier = Applier(events: events, state: state, confirmTimeout: timing.confirmTimeout, now: now)
    }

    // MARK: - Lifecycle

    /// Restores the last applied revision and device records, adopts it, enqueues devices an interrupted apply
    /// left behind, fetches, and starts the poll and drift timers.
    public func start() async {
        work.register(tenant: code, limits: TenantLimits()) { [weak self] device, kind in
            await self?.perform(device, kind)
        }
        let onReady = context.onReady
        context.onReady = { [weak self] code in
            onReady(code)
            guard let self else { return }
            Task {
                await self.ipsecDeviceReady(code)
                await self.enqueue(code, user: nil)
            }
        }
        let onPin = context.onPin
        context.onPin = { [weak self] code, hostKey, serial in
            await onPin(code, hostKey, serial)
            await self?.pinned(code, hostKey: hostKey, serial: serial)
        }
        do {
            for record in try await state.devices(tenant: code) { records[record.code] = record }
            if let stored = try await state.tenant(code), let commit = stored.lastAppliedRevision {
                let revision = try await source.load(revision: commit)
                if revision.isApplicable {
                    tracker = DesiredStateTracker(tenant: code, lastApplied: revision)
                    await adopt(revision, restoring: true)
                }
            }
        } catch {
            logger.warning("could not restore the tenant's state", metadata: ["error": "\(error)"])
        }
        await refresh()
        do {
            // An apply cut off mid-way gets its explicit `gitops.apply.interrupted` outcome, then is resumed.
            let recorder = ApplyRecorder(events: events, state: state)
            for intent in try await recorder.recoverInterrupted(tenant: code, now: now()) {
                logger.notice("resuming an interrupted apply", metadata: ["device": "\(intent.device)"])
                if let id = intent.id { interrupted[intent.device, default: []].append(id) }
                enqueue(intent.device, user: nil)
            }
        } catch {
            logger.warning("could not read interrupted applies", metadata: ["error": "\(error)"])
        }
        let poll = configuration.pollInterval
        let drift = configuration.driftInterval
        let clock = context.clock
        loops.append(Task { [weak self] in
            while !Task.isCancelled {
                try? await clock.sleep(for: poll)
                guard !Task.isCancelled, let self else { return }
                _ = await self.refresh()
            }
        })
        loops.append(Task { [weak self] in
            while !Task.isCancelled {
                try? await clock.sleep(for: drift)
                guard !Task.isCancelled, let self else { return }
                await self.driftTick()
            }
        })
        // IPsec status is re-read from the members with the drift check's interval (and on demand).
        loops.append(Task { [weak self] in
            while !Task.isCancelled {
                try? await clock.sleep(for: drift)
                guard !Task.isCancelled, let self else { return }
                await self.ipsecStatusTick()
            }
        })
    }

    /// Stops timers, waits for running applies, closes every session.
    public func shutdown() async {
        stopped = true
        for task in loops { task.cancel() }
        for task in retryTimers.values { task.cancel() }
        for wait in pendingWaits.values { wait.timer.cancel() }
        pendingWaits = [:]
        loops = []
        retryTimers = [:]
        await firmware?.shutdown()
        await work.shutdown(tenant: code)
        for agent in agents.values { await agent.shutdown() }
        await directory.removeTenant(code)
    }

    // MARK: - Desired state

    /// Fetches the repository now (poll, webhook); a new revision is loaded, linted and, when clean, put in force.
    @discardableResult
    public func refresh() async -> RefreshOutcome {
        guard !stopped else { return RefreshOutcome(revision: nil, isNew: false, error: "stopped") }
        let tip: String
        do {
            tip = try await source.fetch()
        } catch {
            metrics.fetchErrors += 1
            sourceAccess = Self.accessFailure(error)
            let update = tracker.fetchFailed("\(error)", at: now())
            await append(Self.annotated(update.events, sourceAccess))
            return RefreshOutcome(revision: nil, isNew: false, error: "\(error)")
        }
        sourceAccess = nil
        lastFetch = now()
        guard tracker.needsLoad(tip) else { return RefreshOutcome(revision: tip, isNew: false, error: nil) }
        let revision: Revision
        do {
            revision = try await source.load(revision: tip)
        } catch {
            metrics.fetchErrors += 1
            let update = tracker.fetchFailed("\(error)", at: now())
            await append(update.events)
            return RefreshOutcome(revision: tip, isNew: true, error: "\(error)")
        }
        let update = tracker.observe(revision, at: now())
        await append(update.events)
        if case .apply(let good) = update.decision { await adopt(good) }
        await saveTenant()
        return RefreshOutcome(revision: tip, isNew: true, error: nil)
    }

    /// Puts a lint-clean revision in force: safe prune, agents added / updated / removed, every device enqueued.
    /// `restoring`: the revision already in force before a restart (its group changes were recorded then).
    func adopt(_ revision: Revision, restoring: Bool = false) async {
        guard let snapshot = revision.snapshot else { return }
        let next = Set(snapshot.devices.map(\.code))
        let previous = Set(agents.keys)
        let decision = PruneGuard.evaluate(
            previous: previous, next: next, maxFraction: configuration.pruneMaxFraction, commitMessage: revision.message)
        if case .refused(let removed, let message) = decision {
            pruneRefusal = (revision.commit, message)
            await append([
                Event(
                    time: now(), tenant: code, type: .gitPruneRefused, user: revision.user, revision: revision.commit,
                    details: ["count": String(removed.count), "devices": removed.joined(separator: ","), "hint": message])
            ])
            return
        }
        pruneRefusal = nil
        let groupChanges = restoring ? [] : GroupChange.between(inForce?.snapshot?.groups, snapshot.groups)
        let configFileChanges = restoring ? [] : ConfigFileChange.between(inForce?.snapshot?.devices, snapshot.devices)
        inForce = revision
        let ignored = NotCarriedOut.kinds(in: snapshot)
        if !ignored.isEmpty {
            logger.warning("the revision declares what cmsd does not carry out yet", metadata: ["kinds": "\(ignored)"])
            await append([
                Event(
                    time: now(), tenant: code, type: .gitNotCarriedOut, user: revision.user, revision: revision.commit,
                    details: ["kinds": ignored.joined(separator: "; ")])
            ])
        }
        crpSecretProblem = crpSecrets?.update(tenant: code, reference: snapshot.tenant.crpSecret)
        if let problem = crpSecretProblem {
            logger.error(
                "the tenant's CRP secret cannot be read: its announcements are refused until it can",
                metadata: ["error": "\(problem)"])
        }
        // Caps change in place: work waiting or running for the previous revision is kept (each run re-reads the
        // revision in force), so no device is started twice.
        work.setLimits(TenantLimits(disruptive: snapshot.tenant.rollout.maxConcurrent), tenant: code)
        for removed in decision.removed { await delete(removed, revision: revision) }
        var serials: [String: String] = [:]
        var suspended: Set<String> = []
        var newEvents: [Event] = []
        var admitted = snapshot.devices
        if let deviceBudget {
            let granted = deviceBudget.claim(tenant: code, count: admitted.count)
            if granted < admitted.count {
                // Devices already managed keep their place; new ones are admitted in code order.
                let ordered =
                    admitted.filter { agents[$0.code] != nil }
                    + admitted.filter { agents[$0.code] == nil }.sorted { $0.code < $1.code }
                let refused = ordered.dropFirst(granted).map(\.code).sorted()
                admitted = Array(ordered.prefix(granted))
                logger.error(
                    "over the server's device limit: devices not managed",
                    metadata: ["limit": "\(deviceBudget.limit)", "devices": "\(refused.joined(separator: ","))"])
                newEvents.append(
                    Event(
                        time: now(), tenant: code, type: .gitDeviceLimitExceeded, user: revision.user,
                        revision: revision.commit,
                        details: [
                            "count": String(refused.count), "limit": String(deviceBudget.limit),
                            "devices": refused.joined(separator: ","),
                        ]))
            }
        }
        for device in admitted {
            let pinned = records[device.code]
            let expectation = DeviceExpectation(
                code: device.code, product: device.product, hostKey: device.hostKey ?? pinned?.hostKey,
                serial: device.isSerialCode ? device.code : pinned?.serial)
            if device.isSerialCode { serials[device.code] = device.code }
            if let serial = pinned?.serial { serials[serial] = device.code }
            if device.suspended { suspended.insert(device.code) }
            if let agent = agents[device.code] {
                // The agent records device.suspended / device.resumed (once), with this revision as the cause.
                await agent.update(
                    expectation: expectation, suspended: device.suspended,
                    cause: EventCause(user: revision.user, revision: revision.commit))
            } else {
                let agent = DeviceAgent(expectation: expectation, suspended: device.suspended, context: context)
                agents[device.code] = agent
                // After a restart, try the address the device last announced (the host key pin still decides).
                if !device.suspended, let last = pinned?.lastAddress.flatMap(HostPort.init) {
                    await agent.announce(ControlAddress(host: last.host, port: last.port))
                }
                if records[device.code] == nil {
                    newEvents.append(
                        Event(
                            time: now(), tenant: code, type: .deviceAdded, device: device.code, user: revision.user,
                            revision: revision.commit))
                }
            }
            var record = records[device.code] ?? DeviceRecord(tenant: code, code: device.code, sync: DeviceSyncState(at: now()))
            if device.suspended {
                record.sync.suspended(at: now())
            } else if record.sync.condition.reason == SyncReason.suspended.rawValue {
                record.sync.queued(at: now())
            }
            records[device.code] = record
            await save(record)
        }
        await directory.setDevices(tenant: code, agents: agents, serials: serials, suspended: suspended)
        newEvents += groupChanges.map {
            Event(
                time: now(), tenant: code, type: $0.type, device: $0.device, group: $0.group, user: revision.user,
                revision: revision.commit)
        }
        newEvents += configFileChanges.map {
            Event(
                time: now(), tenant: code, type: $0.type, device: $0.device, user: revision.user, revision: revision.commit,
                details: ["file": $0.file])
        }
        await append(newEvents)
        await recompileIPsec(enqueueChanged: false, revision: revision)
        for device in admitted where !device.suspended { enqueue(device.code, user: revision.user) }
        await firmware?.adopted(revision)
        for observer in adoptionObservers { await observer(revision) }
    }

    func delete(_ device: String, revision: Revision) async {
        work.remove(DeviceKey(tenant: code, device: device))
        retryTimers.removeValue(forKey: device)?.cancel()
        await work.waitForRun(DeviceKey(tenant: code, device: device))
        var details: [String: String] = [:]
        var recorded = false
        if let agent = agents.removeValue(forKey: device) {
            details["cleanup"] = await removeManagedConfiguration(device, agent: agent, revision: revision)
            // The agent records device.deleted (once), with the revision, its author and the cleanup.
            await agent.remove(cause: EventCause(user: revision.user, revision: revision.commit, details: details))
            recorded = true
        }
        records[device] = nil
        do {
            try await state.deleteDevice(tenant: code, code: device)
        } catch {
            logger.warning("could not drop a deleted device's record", metadata: ["device": "\(device)", "error": "\(error)"])
        }
        if !recorded {
            await append([
                Event(
                    time: now(), tenant: code, type: .deviceDeleted, device: device, user: revision.user,
                    revision: revision.commit, details: details)
            ])
        }
    }

    /// Before a deleted device is let go: removes what `cms` configured on it (its `cms-` IPsec policies; a
    /// baseline is the device's own configuration and stays) when it is connected. Returns what happened, for the
    /// `device.deleted` event: `removed`, `nothing-to-remove`, or why it was not possible (then `cms-` policies
    /// may remain on the device and must be removed by hand).
    func removeManagedConfiguration(_ device: String, agent: DeviceAgent, revision: Revision) async -> String {
        let state = await agent.info().state
        guard state == .connected || state == .communicating else {
            return "not possible: the device is \(state.rawValue); its cms- IPsec policies may remain on it"
        }
        let request = DeviceRunRequest(
            tenant: code, device: device, revision: revision.commit, user: revision.user,
            parts: [IPsecPart(device: device, policies: .empty)], lastAppliedRevision: nil, drift: .correct)
        let result = await applier.run(request, agent: agent)
        if result.errorClass != nil {
            return "failed: \(result.record.message); its cms- IPsec policies may remain on it"
        }
        return result.record.outcome == .noChanges ? "nothing-to-remove" : "removed"
    }

    // MARK: - Reconcile queue

    /// Enqueues one device (or, with nil, every device in force); returns the devices enqueued.
    @discardableResult
    public func enqueue(_ device: String?, user: String?) -> [String] {
        guard !stopped, let inForce, let snapshot = inForce.snapshot else { return [] }
        let codes = device.map { [$0] } ?? snapshot.devices.map(\.code)
        var accepted: [String] = []
        for code in codes {
            guard let desired = snapshot.device(code), !desired.suspended, agents[code] != nil else { continue }
            guard work.enqueue(DeviceKey(tenant: self.code, device: code)) else { continue }
            if let user { requestedBy[code] = user }
            // A check of a device verified at this revision (drift timer, reconnect) stays quiet (RunDecision).
            if var record = records[code], user != nil || !RunDecision.isQuietCheck(record.sync, revision: inForce.commit) {
                record.sync.queued(at: now())
                records[code] = record
            }
            accepted.append(code)
        }
        return accepted
    }

    /// One entry per run in progress (a device twice if it were run twice at once), sorted (tests, status).
    public func runningDevices() -> [String] {
        inFlight.sorted { $0.key < $1.key }.flatMap { Array(repeating: $0.key, count: $0.value) }
    }

    /// The worker: one run of one device, handed out by the ``WorkQueue``; its follow-up is handled before it
    /// returns (the queue then lets the device run again).
    func perform(_ device: String, _ kind: WorkKind) async {
        inFlight[device, default: 0] += 1
        defer { inFlight[device] = inFlight[device].map { $0 - 1 }.flatMap { $0 > 0 ? $0 : nil } }
        switch kind {
        case .config: handle(await runDevice(device), device: device)
        case .disruptive: await runDisruptive(device)
        }
    }

    /// What a finished run asks for next.
    enum RunFollowUp: Sendable, Equatable {
        /// Nothing: verified, nothing to do, terminal (until a new revision), or waiting for the device.
        case none
        /// Enqueue again at this time (a transient failure, with backoff).
        case retry(at: Timestamp)
    }

    /// The one place a run's result turns into a requeue.
    func handle(_ followUp: RunFollowUp, device: String) {
        switch followUp {
        case .none: break
        case .retry(let time): scheduleRetry(device, at: time)
        }
    }

    func runDevice(_ device: String) async -> RunFollowUp {
        guard !stopped, let revision = inForce, let snapshot = revision.snapshot,
            let desired = snapshot.device(device), let agent = agents[device], var record = records[device]
        else { return .none }
        if states.posting(device)?.state == .awaitingAddress {
            // Never announced: nothing to try and nothing failed. Its first announcement enqueues it (`onReady`).
            if record.sync.condition.reason != SyncReason.awaitingAnnouncement.rawValue {
                record.sync.awaitingAnnouncement(at: now())
                records[device] = record
                await save(record)
            }
            return .none
        }
        // A device back from a restore is checked against the restored file before anything is applied to it.
        await verifyPendingRestore(device)
        // Re-read after that suspension: a pin or serial recorded meanwhile (``pinned(_:hostKey:serial:)``) must not be
        // overwritten with the copy read above.
        guard let fresh = records[device] else { return .none }
        record = fresh
        let user = requestedBy.removeValue(forKey: device) ?? revision.user
        let (parts, partsError, ipsecPart) = managedParts(for: desired, revision: revision)
        // A check of a device already verified at this revision (drift timer, reconnect) stays quiet unless it finds
        // something: the status does not flicker and the short history keeps the runs that did something.
        let quiet = RunDecision.isQuietCheck(record.sync, revision: revision.commit)
        if !quiet {
            record.sync.started(revision: revision.commit, at: now())
            records[device] = record
        }
        var request = DeviceRunRequest(
            tenant: code, device: device, revision: revision.commit, user: user, parts: parts, partsError: partsError,
            lastAppliedRevision: record.sync.lastAppliedRevision, drift: snapshot.tenant.drift,
            movedParts: ipsecMoved(device, part: ipsecPart) ? [IPsecPart.partID] : [])
        if ipsecPart != nil { request.ipsecGroupNames = IPsecEvents.groupNames(snapshot.groups) }
        let result = await applier.run(request, agent: agent)
        ipsecRunFinished(device, part: ipsecPart, failure: result.errorClass == nil ? nil : result.record.message)
        archiveAfterRun(device, result: result, user: user)
        guard var current = records[device] else { return .none }  // deleted meanwhile
        metrics.record(result)
        if result.errorClass == nil, let open = interrupted.removeValue(forKey: device) {
            for id in open {
                do {
                    try await state.endApply(id)
                } catch {
                    logger.warning("could not close an interrupted apply", metadata: ["device": "\(device)", "error": "\(error)"])
                }
            }
        }
        if quiet, result.errorClass == nil, result.record.outcome == .noChanges { return .none }
        var followUp = RunFollowUp.none
        if let errorClass = result.errorClass {
            let next = errorClass.nextRetry(
                consecutiveFailures: current.sync.consecutiveFailures + 1, at: now(),
                backoff: Backoff(base: timing.retryBase, cap: timing.retryCap), jitter: context.jitter())
            current.sync.failed(result.record, errorClass: errorClass, nextRetry: next)
            if let next { followUp = .retry(at: next) }
        } else {
            current.sync.finished(result.record)
        }
        let info = await agent.info()
        if let identity = info.identity {
            current.identity = identity
            current.lastSeen = now()
        }
        current.lastAddress = info.address?.description ?? current.lastAddress
        records[device] = current
        await save(current)
        return followUp
    }

    /// The one place a device's managed parts are assembled (runs, drift checks, device detail): its baseline parts,
    /// parsed once per adopted revision and kept (``baselineParts``), then its IPsec part as compiled now (it follows
    /// the peers' addresses, so it is not kept with the revision).
    func managedParts(for desired: Device, revision: Revision) -> (
        parts: [any ManagedPart], error: String?, ipsec: IPsecPart?
    ) {
        var parts: [any ManagedPart]
        var error: String?
        if baselineParts.revision != revision.commit { baselineParts = (revision.commit, [:]) }
        if let kept = baselineParts.byDevice[desired.code] {
            (parts, error) = kept
        } else {
            do {
                parts = try BaselinePart.parts(for: desired, files: revision.files)
            } catch let problem {
                parts = []
                error = "\(problem)"
            }
            baselineParts.byDevice[desired.code] = (parts, error)
        }
        let ipsec = ipsecPart(for: desired.code)
        if let ipsec { parts.append(ipsec) }
        return (parts, error, ipsec)
    }

    func scheduleRetry(_ device: String, at time: Timestamp) {
        retryTimers[device]?.cancel()
        let delay = max(time - now(), .zero)
        let clock = context.clock
        retryTimers[device] = Task { [weak self] in
            try? await clock.sleep(for: delay)
            guard !Task.isCancelled, let self else { return }
            await self.retryFired(device)
        }
    }

    func retryFired(_ device: String) {
        retryTimers[device] = nil
        enqueue(device, user: nil)
    }

    /// The drift timer: every device that is ready is checked again (a read-back; a difference is drift).
    func driftTick() {
        for (device, record) in records where record.sync.condition.status == .ready {
            enqueue(device, user: nil)
        }
    }

    func pinned(_ device: String, hostKey: String?, serial: String?) async {
        guard var record = records[device] else { return }
        if let hostKey { record.hostKey = hostKey }
        if let serial { record.serial = serial }
        records[device] = record
        await save(record)
    }

    // MARK: - Persistence

    func save(_ record: DeviceRecord) async {
        do {
            try await state.save(record)
        } catch {
            logger.warning("could not save a device record", metadata: ["device": "\(record.code)", "error": "\(error)"])
        }
    }

    func saveTenant() async {
        do {
            try await state.save(
                TenantRecord(
                    code: code, lastAppliedRevision: inForce?.commit, lastAttemptedRevision: tracker.lastAttemptedRevision))
        } catch {
            logger.warning("could not save the tenant record", metadata: ["error": "\(error)"])
        }
    }

    func append(_ list: [Event]) async {
        guard !list.isEmpty else { return }
        do {
            try await events.append(list)
        } catch {
            logger.error("could not record events", metadata: ["error": "\(error)", "count": "\(list.count)"])
        }
    }
}

/// What a refresh found.
public struct RefreshOutcome: Sendable, Hashable {
    public var revision: String?
    public var isNew: Bool
    public var error: String?
}
