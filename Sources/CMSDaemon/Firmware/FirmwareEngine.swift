import CMSAPI
import CMSModel
import CMSReconcile
import Foundation
import Logging
import NETCONF
import NETCONFClient
import NXRModel

/// One tenant's firmware rollouts (docs/firmware.md): plans a ``FirmwareRollout`` per desired image for the devices
/// whose reported version differs, ticks them on the injected clock inside the maintenance windows, runs each
/// device's update as a ``DisruptiveOperation`` (the one work queue, the tenant's `rollout.maxConcurrent`), and
/// waits off the queue for the device to come back on the new version.
///
/// Exactly once: the rollout is saved after every step and an intent is written to the ``FirmwareJournal`` before
/// each `firmware-update` RPC. After a crash an in-flight device with an open intent is never sent the RPC again:
/// it is watched until it reports the version (done) or the deadline passes; one without an intent (the RPC never
/// left) starts again.
public actor FirmwareEngine {
    /// Timing of the engine (tests shorten it).
    public struct Settings: Sendable {
        /// How often rollouts are ticked (starts, pauses, windows).
        public var tick: Duration
        /// How often devices are planned again (late-identified devices join a rollout).
        public var plan: Duration
        /// How often a rebooting device is checked.
        public var poll: Duration
        /// The firmware-update RPC's own timeout (the transfer happens inside it).
        public var rpcTimeout: Duration
        /// Wait before a failed transfer is tried again.
        public var retryDelay: Duration

        public init(
            tick: Duration = .seconds(1), plan: Duration = .seconds(5), poll: Duration = .milliseconds(500),
            rpcTimeout: Duration = .seconds(900), retryDelay: Duration = .seconds(5)
        ) {
            self.tick = tick
            self.plan = plan
            self.poll = poll
            self.rpcTimeout = rpcTimeout
            self.retryDelay = retryDelay
        }
    }

    public nonisolated let tenant: String
    let journal: any FirmwareJournal
    public nonisolated let store: FirmwareImageStore
    var downloads: FirmwareDownloadServer?
    let events: any EventStore
    let clock: any Clock<Duration>
    let now: @Sendable () -> Timestamp
    let logger: Logger
    let settings: Settings
    weak var controller: TenantController?

    var rollouts: [FirmwareRollout] = []
    var loaded = false
    var revision: Revision?
    var intents: [String: FirmwareIntent] = [:]
    var watchers: [String: Task<Void, Never>] = [:]
    var attempts: [String: Int] = [:]
    /// `device|image` already reported as skipped (same version / product mismatch) since the last revision.
    var noted: Set<String> = []
    /// Devices that failed an image at a revision: not planned again until a new revision or a resume.
    var failedAt: [String: String] = [:]
    var loops: [Task<Void, Never>] = []
    var stopped = false
    /// When this engine (this `cmsd` process) started: a device cannot be judged "not back" for the time no `cmsd`
    /// was running to see it come back.
    let startedAt: Timestamp
    var counter = 0
    /// A plan is running (plans never overlap: two could start the same device twice).
    var planning = false
    /// Devices that installed a version without rebooting (`no-reboot`, or the device said it would not reboot):
    /// they report the old version until their next reboot and must not be flashed again meanwhile.
    var installedAwaitingReboot: [String: (version: String, at: Timestamp)] = [:]

    public init(
        tenant: String, journal: any FirmwareJournal, store: FirmwareImageStore, events: any EventStore,
        clock: any Clock<Duration>, now: @escaping @Sendable () -> Timestamp, logger: Logger,
        settings: Settings = Settings()
    ) {
        self.tenant = tenant
        self.journal = journal
        self.store = store
        self.events = events
        self.clock = clock
        self.now = now
        self.logger = logger
        self.settings = settings
        startedAt = now()
    }

    func attach(_ controller: TenantController) { self.controller = controller }

    public func setDownloads(_ server: FirmwareDownloadServer?) { downloads = server }

    public func shutdown() {
        stopped = true
        for task in loops { task.cancel() }
        for task in watchers.values { task.cancel() }
        loops = []
        watchers = [:]
    }

    // MARK: - Revisions

    /// A lint-clean revision was put in force: restore after a restart, resume stalled rollouts on a new commit,
    /// plan, and keep ticking.
    func adopted(_ revision: Revision) async {
        guard !stopped else { return }
        let previous = self.revision?.commit
        self.revision = revision
        if !loaded {
            loaded = true
            await restore()
        }
        if previous != nil, previous != revision.commit {
            noted = []
            failedAt = [:]
            for index in rollouts.indices where rollouts[index].phase == .stalled {
                let actions = rollouts[index].resume(now: now(), windowOpen: windowOpen(index))
                await perform(actions, rollout: index, user: revision.user)
            }
        }
        await plan(announce: true)
        if loops.isEmpty { startLoops() }
        await tick()
    }

    private func startLoops() {
        let clock = clock
        let tickEvery = settings.tick
        let planEvery = settings.plan
        loops.append(Task { [weak self] in
            while !Task.isCancelled {
                try? await clock.sleep(for: tickEvery)
                guard !Task.isCancelled, let self else { return }
                await self.tick()
            }
        })
        loops.append(Task { [weak self] in
            while !Task.isCancelled {
                try? await clock.sleep(for: planEvery)
                guard !Task.isCancelled, let self else { return }
                await self.plan(announce: false)
            }
        })
    }

    /// Rollouts and intents from the journal: in-flight devices with an intent are watched (never flashed again),
    /// those without one start again.
    func restore() async {
        do {
            rollouts = try await journal.rollouts(tenant: tenant)
            for intent in try await journal.openIntents(tenant: tenant) { intents[intent.device] = intent }
        } catch {
            logger.error("cannot read the firmware journal", metadata: ["error": "\(error)"])
        }
        for rollout in rollouts where rollout.mode == .noReboot {
            for device in rollout.devices(in: "done") {
                installedAwaitingReboot[device] = (rollout.version, rollout.created)
            }
        }
        for index in rollouts.indices where !rollouts[index].isOver {
            for device in rollouts[index].inFlightDevices {
                if let intent = intents[device], intent.rollout == rollouts[index].id {
                    logger.notice(
                        "resuming a firmware update interrupted by a restart: watching, not flashing again",
                        metadata: ["device": "\(device)", "rollout": "\(intent.rollout)"])
                    attempts[device] = intent.attempt
                    watch(intent, recovered: true)
                } else {
                    rollouts[index].requeue(device)
                }
            }
            await save(index)
        }
        counter = rollouts.count
    }

    // MARK: - Planning

    /// The windows of a rollout: its group's `rollout.windows` when its policy came from a group, else the tenant's.
    func calendar(_ rollout: FirmwareRollout? = nil) -> WindowCalendar {
        guard let tenant = revision?.snapshot?.tenant else { return WindowCalendar(windows: [], defaultZone: "UTC") }
        let names = Set(rollout?.policy.windows ?? tenant.rollout.windows)
        return WindowCalendar(windows: tenant.windows.filter { names.contains($0.name) }, defaultZone: tenant.timeZone)
    }

    /// Whether rollout `index` may start devices now.
    func windowOpen(_ index: Int) -> Bool {
        calendar(rollouts.indices.contains(index) ? rollouts[index] : nil).isOpen(at: now())
    }

    /// The reboot deadline of a rollout (its policy's, else the tenant's).
    func rebootDeadline(_ rollout: String) -> Int {
        index(of: rollout).flatMap { rollouts[$0].policy.rebootDeadlineSeconds }
            ?? revision?.snapshot?.tenant.rollout.rebootDeadlineSeconds ?? 900
    }

    /// New rollouts for devices whose desired image differs from what they report; pending devices of rollouts whose
    /// image is no longer desired are skipped. `announce` (the plan of a newly adopted revision) reports devices
    /// already on the version or of another product once; the periodic plans that pick up late-identified devices
    /// stay quiet about them.
    func plan(announce: Bool) async {
        guard !stopped, !planning, let revision, let snapshot = revision.snapshot, let controller else { return }
        planning = true
        defer { planning = false }
        let desired = FirmwarePlanner.desired(snapshot)
        let wanted = Dictionary(desired.map { ($0.device, $0.image.name) }, uniquingKeysWith: { a, _ in a })
        // A device whose policy group changed goes on in the rollout it is in; new rollouts follow the groups.
        for index in rollouts.indices where !rollouts[index].isOver {
            for device in rollouts[index].devices(in: "pending") where wanted[device] != rollouts[index].image {
                let actions = rollouts[index].deviceFinished(
                    device, .skipped("the desired image changed"), now: now(), windowOpen: windowOpen(index))
                await perform(actions, rollout: index, user: revision.user)
            }
        }
        var covered: Set<String> = []
        for rollout in rollouts where !rollout.isOver {
            for (device, state) in rollout.devices where !state.isTerminal { covered.insert(device) }
        }
        var groups: [String: (FirmwarePlanner.Desired, [String])] = [:]
        for item in desired where !covered.contains(item.device) {
            guard failedAt[item.device] != "\(item.image.name)@\(revision.commit)" else { continue }
            guard let agent = await controller.firmwareAgent(item.device) else { continue }
            let info = await agent.info()
            guard let identity = info.identity else { continue }  // not identified yet: planned later
            let key = "\(item.device)|\(item.image.name)"
            switch FirmwarePlanner.check(
                image: item.image, product: identity.product, reportedVersion: identity.firmwareVersion)
            {
            case .sameVersion(let version):
                if announce, noted.insert(key).inserted {
                    await emit(
                        .firmwareTransferSkippedSameVersion, device: item.device, user: revision.user,
                        details: ["version": version, "image": item.image.name])
                }
            case .productMismatch(let reason):
                if announce, noted.insert(key).inserted {
                    await emit(
                        .firmwareUpdateNotUpdated, device: item.device, user: revision.user,
                        details: ["reason": reason, "image": item.image.name])
                }
            case .update, .versionUnknown:
                if let installed = installedAwaitingReboot[item.device], installed.version == item.image.version {
                    // Installed, runs after the next reboot. Once the device rebooted and still does not run it,
                    // it is planned again.
                    guard let uptime = info.uptimeSeconds, let read = info.lastRefresh,
                        read - .seconds(uptime) > installed.at + .seconds(2)
                    else { continue }
                    installedAwaitingReboot[item.device] = nil
                }
                // One rollout per image, mode and policy: a group's `rollout:` gets its own.
                groups[
                    [item.image.name, item.mode.rawValue, item.policyGroup ?? ""].joined(separator: "|"),
                    default: (item, [])
                ].1.append(item.device)
            }
        }
        for (_, group) in groups.sorted(by: { $0.key < $1.key }) {
            let (item, devices) = group
            start(
                image: item.image, mode: item.mode, devices: devices.sorted(), user: revision.user,
                revision: revision.commit, group: item.policyGroup,
                rollout: FirmwarePlanner.rollout(snapshot, group: item.policyGroup))
            await save(rollouts.count - 1)
            var details = [
                "rollout": rollouts.last!.id, "image": item.image.name, "count": String(devices.count),
                "version": item.image.version,
            ]
            if let group = item.policyGroup { details["policy"] = "group \(group)" }
            await emit(.firmwareRolloutStarted, device: nil, user: revision.user, details: details)
        }
    }

    /// Appends a new rollout (not yet ticked).
    func start(
        image: FirmwareImage, mode: FirmwareTarget.Mode, devices: [String], user: String?, revision: String?,
        group: String? = nil, rollout policy: Tenant.Rollout
    ) {
        counter += 1
        let id = "\(image.name)-\(counter)"
        rollouts.append(
            FirmwareRollout(
                id: id, image: image.name, version: image.version, mode: mode, user: user, revision: revision,
                group: group, devices: devices, canary: policy.canary,
                batchSize: policy.batchSize.resolve(total: devices.count),
                policy: FirmwarePlanner.policy(policy, count: devices.count), now: now()))
    }

    // MARK: - Ticking and actions

    func tick() async {
        guard !stopped else { return }
        for index in rollouts.indices where !rollouts[index].isOver {
            await watchSoak(index)
            guard !rollouts[index].isOver else { continue }
            let open = windowOpen(index)
            let before = rollouts[index]
            let actions = rollouts[index].tick(now: now(), windowOpen: open)
            if rollouts[index] != before { await save(index) }
            await perform(actions, rollout: index, user: rollouts[index].user)
        }
    }

    func perform(_ actions: [FirmwareRollout.Action], rollout index: Int, user: String?) async {
        let id = rollouts[index].id
        for action in actions {
            switch action {
            case .start(let device):
                await save(index)
                await startDevice(device, rollout: id)
            case .batchStarted(let batch, let devices):
                logger.info(
                    "firmware rollout batch started",
                    metadata: ["rollout": "\(id)", "batch": "\(batch)", "devices": "\(devices.count)"])
            case .batchDone(let batch):
                await emit(.firmwareRolloutBatchDone, device: nil, user: user, details: ["rollout": id, "batch": String(batch)])
            case .stalled(let reason, let failed):
                await save(index)
                await emit(
                    .firmwareRolloutStalled, device: nil, user: user,
                    details: ["rollout": id, "reason": reason, "devices": failed.joined(separator: ",")])
            case .resumed:
                await save(index)
                await emit(.firmwareRolloutResumed, device: nil, user: user, details: ["rollout": id])
            case .finished:
                await save(index)
                let counts = rollouts[index].counts
                let summary = ["done", "failed", "skipped"].map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
                await emit(.firmwareRolloutFinished, device: nil, user: user, details: ["rollout": id, "summary": summary])
            }
        }
    }

    func index(of rollout: String) -> Int? { rollouts.firstIndex { $0.id == rollout } }

    /// A device's outcome goes into its rollout (which may stall, start more, finish).
    func finish(_ device: String, rollout id: String, _ outcome: FirmwareRollout.Outcome) async {
        attempts[device] = nil
        guard let index = index(of: id) else { return }
        if case .failed = outcome, let revision = rollouts[index].revision {
            failedAt[device] = "\(rollouts[index].image)@\(revision)"
        }
        let actions = rollouts[index].deviceFinished(device, outcome, now: now(), windowOpen: windowOpen(index))
        await save(index)
        await perform(actions, rollout: index, user: rollouts[index].user)
    }

    // MARK: - One device

    func image(named name: String) -> FirmwareImage? {
        revision?.snapshot?.firmware.first { $0.name == name }
    }

    func startDevice(_ device: String, rollout id: String) async {
        guard let index = index(of: id), let controller else { return }
        let rollout = rollouts[index]
        guard let image = image(named: rollout.image) else {
            await finish(device, rollout: id, .failed("image \(rollout.image) is no longer declared"))
            return
        }
        guard let agent = await controller.firmwareAgent(device) else {
            await finish(device, rollout: id, .skipped("no longer managed"))
            return
        }
        let info = await agent.info()
        guard info.state == .connected || info.state == .communicating, let identity = info.identity else {
            await emit(
                .firmwareUpdateFailed, device: device, user: rollout.user,
                details: ["version": image.version, "error": "the device is \(info.state.rawValue)"])
            await finish(device, rollout: id, .failed("not connected (\(info.state.rawValue))"))
            return
        }
        switch FirmwarePlanner.check(image: image, product: identity.product, reportedVersion: identity.firmwareVersion)
        {
        case .sameVersion(let version):
            await emit(
                .firmwareTransferSkippedSameVersion, device: device, user: rollout.user,
                details: ["version": version, "image": image.name])
            await finish(device, rollout: id, .skipped("already runs \(version)"))
            return
        case .productMismatch(let reason):
            await emit(.firmwareUpdateNotUpdated, device: device, user: rollout.user, details: ["reason": reason])
            await finish(device, rollout: id, .skipped("not updated: \(reason)"))
            return
        case .versionUnknown:
            await emit(
                .firmwareUpdateFailed, device: device, user: rollout.user,
                details: ["version": image.version, "error": "the device's firmware version is unknown"])
            await finish(device, rollout: id, .failed("firmware version unknown"))
            return
        case .update:
            break
        }
        submit(device, rollout: rollout, image: image)
    }

    func submit(_ device: String, rollout: FirmwareRollout, image: FirmwareImage) {
        guard let controller else { return }
        let id = rollout.id
        let operation = DisruptiveOperation(
            name: "firmware-update", user: rollout.user,
            run: { [weak self] agent in
                await self?.flash(device, rollout: rollout.id, image: image, mode: rollout.mode, agent: agent)
            },
            cancelled: { [weak self] reason in
                await self?.emit(
                    .firmwareUpdateFailed, device: device, user: rollout.user,
                    details: ["version": image.version, "error": reason])
                await self?.finish(device, rollout: id, .failed(reason))
            })
        Task {
            if !(await controller.submitDisruptive(device, operation)) {
                await self.finish(device, rollout: id, .failed("another disruptive operation is waiting for the device"))
            }
        }
    }

    /// The password of an `ssh://` image, read from the tenant's secret namespace (never logged).
    func password(for image: FirmwareImage) throws(FirmwareEngineError) -> String? {
        guard case .url(let url) = image.source, url.hasPrefix("ssh://") else { return nil }
        guard let reference = image.password else {
            throw FirmwareEngineError(
                "image \(image.name) comes from an ssh:// url but names no `password: {env: CMS_…}` or `{file: …}`")
        }
        do {
            return try SecretReader.read(
                reference, field: "firmware \(image.name).password", tenant: tenant, dataFolder: store.dataFolder)
        } catch {
            throw FirmwareEngineError("the password of image \(image.name): \(error.message)")
        }
    }

    /// Where the device fetches the image.
    func url(for image: FirmwareImage, deadline: Int) async throws(FirmwareEngineError) -> String {
        switch image.source {
        case .url(let url):
            return url
        case .store:
            guard let stored = await store.image(sha256: image.sha256) else {
                throw FirmwareEngineError("image \(image.name) (sha256 \(image.sha256.prefix(12))…) is not in the store; "
                    + "add it with `cms firmware add FILE --product \(image.product.rawValue)`")
            }
            return try grant(path: store.path(sha256: stored.sha256), size: stored.size, deadline: deadline)
        case .file(let path):
            guard let bytes = revision?.files[path] else {
                throw FirmwareEngineError("image file \(path) is not in the revision")
            }
            let target = store.path(sha256: image.sha256)
            if !FileManager.default.fileExists(atPath: target) {
                do {
                    try Data(bytes).write(to: URL(fileURLWithPath: target), options: .atomic)
                } catch {
                    throw FirmwareEngineError("cannot stage \(path) for download: \(error)")
                }
            }
            return try grant(path: target, size: Int64(bytes.count), deadline: deadline)
        }
    }

    func grant(path: String, size: Int64, deadline: Int) throws(FirmwareEngineError) -> String {
        guard let downloads else { throw FirmwareEngineError("the firmware download server is not running") }
        return downloads.grant(path: path, size: size, validFor: .seconds(deadline))
    }

    /// The disruptive step on the queue: intent, RPC, and on success the watch off the queue.
    func flash(_ device: String, rollout id: String, image: FirmwareImage, mode: FirmwareTarget.Mode, agent: DeviceAgent)
        async
    {
        guard !stopped, let index = index(of: id) else { return }
        let user = rollouts[index].user
        let url: String
        let password: String?
        do {
            url = try await self.url(for: image, deadline: rebootDeadline(id))
            password = try self.password(for: image)
        } catch {
            await emit(.firmwareTransferFailed, device: device, user: user, details: ["error": error.message])
            await finish(device, rollout: id, .failed(error.message))
            return
        }
        let attempt = (attempts[device] ?? 0) + 1
        attempts[device] = attempt
        let intent = FirmwareIntent(
            tenant: tenant, device: device, rollout: id, image: image.name, sha256: image.sha256,
            version: image.version, started: now(), attempt: attempt)
        do {
            try await journal.openIntent(intent)
        } catch {
            // Never send the RPC without its intent on disk.
            await emit(.firmwareUpdateFailed, device: device, user: user, details: ["error": "cannot record the intent: \(error)"])
            await finish(device, rollout: id, .failed("cannot record the intent: \(error)"))
            return
        }
        intents[device] = intent
        let started: EventType =
            switch mode {
            case .normal: .firmwareUpdateStarted
            case .noReboot: .firmwareUpdateNoRebootStarted
            case .background: .firmwareUpdateBackgroundStarted
            }
        await emit(started, device: device, user: user, details: ["version": image.version, "image": image.name])
        let rpc = NXRRPC.firmwareUpdate(
            NXRRPC.FirmwareUpdate(
                url: url, password: password, sha256: image.sha256, mode: FirmwareMode(rawValue: mode.rawValue) ?? .normal))
        let timeout = settings.rpcTimeout
        let output: NXRRPCOutput
        // The device may reboot right after its reply, before the reply is handled here: announced first.
        if mode != .noReboot { await agent.rebootAnnounced(.firmwareUpdate) }
        do {
            let reply = try await agent.withSession { session in try await session.rpc(rpc.xml(), timeout: timeout) }
            output = try NXRRPCOutput(body: reply.body)
        } catch let error as RPCError {
            await agent.rebootWithdrawn()
            await closeIntent(device)
            if error.appTag == "wrong-product" {
                let reason = error.message ?? "the image is for another product"
                // Not planned again at this revision (it would be refused again): a new commit or a resume retries.
                if let revision = rollouts[index].revision { failedAt[device] = "\(image.name)@\(revision)" }
                await emit(.firmwareUpdateNotUpdated, device: device, user: user, details: ["reason": reason])
                await finish(device, rollout: id, .skipped("not updated: \(reason)"))
            } else {
                let message = error.message ?? error.tag
                await emit(.firmwareTransferFailed, device: device, user: user, details: ["error": message])
                await transferFailed(device, rollout: id, image: image, message: message)
            }
            return
        } catch is DeviceUnavailable {
            // The RPC never left: nothing can have been flashed.
            await agent.rebootWithdrawn()
            await closeIntent(device)
            await emit(.firmwareUpdateFailed, device: device, user: user, details: ["version": image.version, "error": "the device is not connected"])
            await finish(device, rollout: id, .failed("not connected"))
            return
        } catch {
            // The session died with the RPC possibly delivered: the device may be flashing. Keep the intent and wait.
            logger.warning(
                "firmware-update RPC ended without a reply; waiting for the device",
                metadata: ["device": "\(device)", "error": "\(error)"])
            await agent.rebootOrdered(.firmwareUpdate)
            watch(intent, recovered: true)
            return
        }
        let reboots = output.transfer != .failed && mode != .noReboot && output.rebooting != false
        // Said at once: the device drops its session right after this reply, and that is expected.
        if reboots { await agent.rebootOrdered(.firmwareUpdate) } else { await agent.rebootWithdrawn() }
        if output.transfer == .failed {
            await closeIntent(device)
            let message = output.message ?? "transfer failed"
            await emit(.firmwareTransferFailed, device: device, user: user, details: ["error": message])
            await transferFailed(device, rollout: id, image: image, message: message)
            return
        }
        if output.transfer == .done {
            await emit(
                .firmwareTransferSucceeded, device: device, user: user,
                details: ["version": output.version ?? image.version])
        }
        if mode == .noReboot || output.rebooting == false {
            installedAwaitingReboot[device] = (image.version, now())
            await closeIntent(device)
            await emit(
                .firmwareUpdateSucceeded, device: device, user: user,
                details: ["version": image.version, "note": "installed; runs after the next reboot"])
            await finish(device, rollout: id, .done)
            return
        }
        watch(intent, recovered: false)
    }

    func transferFailed(_ device: String, rollout id: String, image: FirmwareImage, message: String) async {
        let retries =
            index(of: id).flatMap { rollouts[$0].policy.transferRetries }
            ?? revision?.snapshot?.tenant.rollout.transferRetries ?? 0
        let attempt = attempts[device] ?? 1
        guard attempt <= retries, let index = index(of: id) else {
            await finish(device, rollout: id, .failed("transfer failed: \(message)"))
            return
        }
        let rollout = rollouts[index]
        let clock = clock
        let delay = settings.retryDelay
        logger.notice(
            "firmware transfer failed; trying again", metadata: ["device": "\(device)", "attempt": "\(attempt)"])
        Task { [weak self] in
            try? await clock.sleep(for: delay)
            await self?.submit(device, rollout: rollout, image: image)
        }
    }

    func closeIntent(_ device: String) async {
        intents[device] = nil
        do {
            try await journal.closeIntent(tenant: tenant, device: device)
        } catch {
            logger.error("cannot close a firmware intent", metadata: ["device": "\(device)", "error": "\(error)"])
        }
    }

    /// Off the queue: waits for the device to come back connected (same pinned host key: the agent refuses any
    /// other) and reporting the version, until the deadline.
    func watch(_ intent: FirmwareIntent, recovered: Bool) {
        watchers[intent.device]?.cancel()
        let clock = clock
        let poll = settings.poll
        watchers[intent.device] = Task { [weak self] in
            while !Task.isCancelled {
                try? await clock.sleep(for: poll)
                guard !Task.isCancelled, let self else { return }
                if await self.check(intent, recovered: recovered) { return }
            }
        }
    }

    /// One look at a device being updated; true when its outcome is decided.
    func check(_ intent: FirmwareIntent, recovered: Bool) async -> Bool {
        guard !stopped, let controller else { return true }
        // An update recovered after a restart gets its whole deadline from this start: while cmsd was down (killed,
        // restarting) nobody could see the device come back, so that time does not count against it.
        let base = recovered ? max(intent.started, startedAt) : intent.started
        let deadline = base + .seconds(rebootDeadline(intent.rollout))
        guard let agent = await controller.firmwareAgent(intent.device) else {
            await closeIntent(intent.device)
            await finish(intent.device, rollout: intent.rollout, .skipped("no longer managed"))
            watchers[intent.device] = nil
            return true
        }
        let info = await agent.info()
        let connected = info.state == .connected || info.state == .communicating
        let user = index(of: intent.rollout).flatMap { rollouts[$0].user }
        if connected, let identity = info.identity, identity.firmwareVersion == intent.version {
            await closeIntent(intent.device)
            await emit(.firmwareUpdateSucceeded, device: intent.device, user: user, details: ["version": intent.version])
            watchers[intent.device] = nil
            await finish(intent.device, rollout: intent.rollout, .done)
            return true
        }
        guard now() >= deadline else { return false }
        watchers[intent.device] = nil
        // Connected on the old version and not rebooted since the intent: the update never reached the device
        // (cmsd stopped before the RPC left, or its download died with cmsd). Safe to send it again.
        if recovered, connected, let uptime = info.uptimeSeconds, let read = info.lastRefresh,
            read - .seconds(uptime) < intent.started, let index = index(of: intent.rollout),
            let image = image(named: intent.image)
        {
            logger.notice(
                "an interrupted firmware update never reached the device; sending it again",
                metadata: ["device": "\(intent.device)"])
            await closeIntent(intent.device)
            submit(intent.device, rollout: rollouts[index], image: image)
            return true
        }
        await closeIntent(intent.device)
        let reason =
            connected
            ? "came back on \(info.identity?.firmwareVersion ?? "an unknown version"), not \(intent.version)"
            : "did not come back within the deadline (\(info.state.rawValue))"
        await emit(
            .firmwareUpdateFailed, device: intent.device, user: user, details: ["version": intent.version, "error": reason])
        await finish(intent.device, rollout: intent.rollout, .failed(reason))
        return true
    }

    /// During a soak (after the canary) or a pause (after a batch), the devices of the batch just done must stay
    /// healthy: connected, on the version, not rebooted since the batch was done. One that is not (a reboot loop,
    /// gone, rolled back) failed after all — `firmware.update.failed` — and counts against `maxFailures`.
    func watchSoak(_ index: Int) async {
        guard let since = rollouts[index].waitStarted, let controller else { return }
        let version = rollouts[index].version
        for device in rollouts[index].soakingDevices {
            guard let agent = await controller.firmwareAgent(device) else { continue }
            let info = await agent.info()
            var problem: String?
            if info.state != .connected && info.state != .communicating {
                problem = "is \(info.state.rawValue)"
            } else if let reported = info.identity?.firmwareVersion, reported != version {
                problem = "runs \(reported)"
            } else if let uptime = info.uptimeSeconds, let read = info.lastRefresh,
                read - .seconds(uptime) > since + .seconds(2)
            {
                problem = "rebooted"
            }
            guard let problem else { continue }
            let phase = rollouts[index].phase == .soaking ? "soak" : "pause"
            let reason = "not healthy during the \(phase) after its update: \(problem)"
            let user = rollouts[index].user
            await emit(.firmwareUpdateFailed, device: device, user: user, details: ["version": version, "error": reason])
            if let revision = rollouts[index].revision { failedAt[device] = "\(rollouts[index].image)@\(revision)" }
            let actions = rollouts[index].regressed(device, reason: reason, now: now(), windowOpen: windowOpen(index))
            await save(index)
            await perform(actions, rollout: index, user: user)
            if rollouts[index].phase == .stalled { return }
        }
    }

    // MARK: - Operator

    /// `cms rollout resume`: stalled rollouts (or one) continue.
    func resume(_ id: String?, user: String?) async throws(APIError) {
        let targets = rollouts.indices.filter { id == nil || rollouts[$0].id == id }
        if let id, targets.isEmpty { throw APIError.notFound("rollout", id) }
        for index in targets where rollouts[index].phase == .stalled {
            for device in rollouts[index].failedDevices { failedAt[device] = nil }
            let actions = rollouts[index].resume(now: now(), windowOpen: windowOpen(index))
            await perform(actions, rollout: index, user: user)
        }
    }

    /// `cms firmware update DEVICE|--group G IMAGE`: a one-off rollout with the tenant's policy, by the API user.
    func update(devices: [String], image: FirmwareImage, mode: FirmwareTarget.Mode, user: String?) async
        -> FirmwareRollout?
    {
        guard let snapshot = revision?.snapshot else { return nil }
        // The devices' group policy when they all share one (`--group G` of a group with `rollout:`), else the tenant's.
        let policies = FirmwarePlanner.policyGroups(snapshot)
        let shared = Set(devices.map { policies[$0]?.name ?? "" })
        let group = shared.count == 1 ? shared.first.flatMap { $0.isEmpty ? nil : $0 } : nil
        start(
            image: image, mode: mode, devices: devices, user: user, revision: revision?.commit, group: group,
            rollout: FirmwarePlanner.rollout(snapshot, group: group))
        let index = rollouts.count - 1
        await save(index)
        var details = [
            "rollout": rollouts[index].id, "image": image.name, "count": String(devices.count), "version": image.version,
        ]
        if let group { details["policy"] = "group \(group)" }
        await emit(.firmwareRolloutStarted, device: nil, user: user, details: details)
        await tick()
        return rollouts.first { $0.id == rollouts[index].id }
    }

    func list() -> [FirmwareRollout] { rollouts }

    /// Image names and devices that use an image (by sha256) in the revision in force: who refuses a removal.
    func users(ofSHA256 sha: String) -> [String] {
        guard let snapshot = revision?.snapshot else { return [] }
        let names = Set(snapshot.firmware.filter { $0.sha256 == sha }.map(\.name))
        guard !names.isEmpty else { return [] }
        var users: [String] = []
        for device in snapshot.devices where device.firmware.map({ names.contains($0.image) }) ?? false {
            users.append("device \(device.code)")
        }
        for group in snapshot.groups where group.firmware.map({ names.contains($0.image) }) ?? false {
            users.append("group \(group.name)")
        }
        for schedule in snapshot.schedules where schedule.firmware.map(names.contains) ?? false {
            users.append("schedule \(schedule.name)")
        }
        if users.isEmpty { users = names.sorted().map { "firmware image \($0)" } }
        return users
    }

    func outlook() -> (open: Bool, next: WindowCalendar.Span?) {
        let calendar = calendar()
        let open = calendar.isOpen(at: now())
        return (open, open ? nil : calendar.nextOpening(after: now()))
    }

    // MARK: - Records

    func save(_ index: Int) async {
        guard rollouts.indices.contains(index) else { return }
        do {
            try await journal.saveRollout(tenant: tenant, rollouts[index])
        } catch {
            logger.error("cannot save a firmware rollout", metadata: ["rollout": "\(rollouts[index].id)", "error": "\(error)"])
        }
    }

    func emit(_ type: EventType, device: String?, user: String?, details: [String: String]) async {
        let event = Event(
            time: now(), tenant: tenant, type: type, device: device, user: user, revision: revision?.commit,
            details: details)
        do {
            try await events.append([event])
        } catch {
            logger.error("cannot record a firmware event", metadata: ["error": "\(error)"])
        }
    }
}

/// Why an image cannot be offered to a device.
struct FirmwareEngineError: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
