import CMSAPI
import CMSModel
import CMSReconcile
import Logging
import NETCONF
import NETCONFClient
import NXRModel

/// Drives the pure ``DeviceLifecycle`` of one device: performs its actions with real sockets and
/// timers and feeds the outcomes back in (docs/devices.md).
///
/// - A CRP announcement (``announce(_:from:)``, a trigger, never trust) makes it connect over
///   NETCONF/SSH with the tenant key. The host key is checked by the transport **before
///   authentication**: a key other than the pinned one ends the connection before any credential
///   or RPC is sent, and blocks the device until the desired state pins another key.
/// - On first contact the key is pinned (trust on first use), but only persisted (`onPin`) and
///   reported once identification proved the device is the expected one; a failed identification
///   forgets the tentative pin.
/// - Identification is one `<get>` (system, interfaces, crp); cpe-id / serial and product must
///   match. Then the session stays open; `onReady` fires; health and interfaces are read again
///   every `refreshInterval`; a `config-change` notification touching interfaces triggers a read
///   too (and `device.interfaces.changed` when another session made the change).
/// - A dropped session (notification stream ended, or a session-level failure of a refresh or of
///   a ``withSession(_:)`` body) goes `disconnected` and reconnects after the lifecycle's backoff.
///
/// Sessions come from the context's connect factory (the session port, ``DeviceSession``): NETCONF over SSH
/// on the ``NETCONFClientLoop``'s own thread in production, an in-memory device in tests. Nothing here
/// blocks a thread: timers sleep on the context's injected clock, and events / persistence go through one
/// ordered outbox task.
public actor DeviceAgent {
    /// The device code (cpe-id, or the 11-digit serial).
    public nonisolated let code: String
    public nonisolated let tenant: String

    private let context: DeviceContext
    private var lifecycle: DeviceLifecycle

    // Session and the attempt that is opening / identifying it. Results of older attempts and
    // events of older sessions are recognised by their number and dropped.
    private var session: (any DeviceSession)?
    private var sessionGeneration: UInt64 = 0
    private var attempt: UInt64 = 0
    private var attemptTask: Task<Void, Never>?
    private var presentedKeys: [UInt64: String] = [:]
    /// A first-use pin held back until identification succeeds: the fingerprint and its event.
    /// The cause of the lifecycle input being performed (for its event), set only during that call.
    private var cause: EventCause?
    private var tentativePin: (fingerprint: String, event: Event?)?

    private var timer: LifecycleTimer?
    private var timerTask: Task<Void, Never>?
    private var refreshTask: Task<Void, Never>?
    private var watchTask: Task<Void, Never>?
    /// `withSession` bodies running on the current session.
    private var operations = 0

    // What the device told us.
    private var identity: DeviceIdentity?
    private var readout: DeviceReadout?
    private var lastRefresh: Timestamp?
    private var lastAnnouncement: Timestamp?
    private var announcedFrom: String?
    /// The boot id of the last authenticated CRP announcement (auto-config runs once per boot).
    private var lastBootID: UInt32?
    /// The boot id of the newest announcement, signed or not, and the one it had when this daemon ordered a reboot:
    /// while `rebooting`, an announcement still carrying that boot id was sent before the reboot (the device answers,
    /// then reboots a moment later) — connecting to it would find the old boot and lose the session at once.
    private var announcedBootID: UInt32?
    private var bootBeforeReboot: UInt32?

    private let outbox: AsyncStream<OutboxItem>.Continuation
    private let outboxTask: Task<Void, Never>
    private var stopped = false

    /// Side effects leave the actor in order through one task: events, persistence, readiness.
    private enum OutboxItem: Sendable {
        case events([Event])
        case persist(hostKey: String?, serial: String?)
        case ready
    }

    /// An agent for a registered device: `awaiting-address`, or `suspended`. The expectation's
    /// host key and serial are what earlier contacts learned (or the repository declares).
    public init(expectation: DeviceExpectation, suspended: Bool, context: DeviceContext) {
        var expectation = expectation
        expectation.hostKey = expectation.hostKey.map(SSHHostKey.normalizedFingerprint)
        self.code = expectation.code
        self.tenant = context.tenant
        self.context = context
        let lifecycle = DeviceLifecycle(expectation: expectation, suspended: suspended, policy: context.policy)
        self.lifecycle = lifecycle
        context.stateBoard?.post(expectation.code, lifecycle.state)
        let (stream, continuation) = AsyncStream.makeStream(of: OutboxItem.self)
        self.outbox = continuation
        let code = expectation.code
        self.outboxTask = Task {
            for await item in stream {
                switch item {
                case .events(let events):
                    do {
                        try await context.events.append(events)
                        context.onEvents(events)
                    } catch {
                        context.logger.error(
                            "cannot record device events",
                            metadata: ["tenant": "\(context.tenant)", "device.code": "\(code)", "error": "\(error)"])
                    }
                case .persist(let hostKey, let serial):
                    await context.onPin(code, hostKey, serial)
                case .ready:
                    context.onReady(code)
                }
            }
        }
    }

    // MARK: - Inputs from the daemon

    /// A CRP announcement routed to this device: its control address (a trigger, never trust).
    /// `source` is the datagram's source address, recorded alongside (NAT). `authenticated` says
    /// whether its signature verified with the tenant's CRP secret: an unsigned one never drops
    /// a working session nor blocks the device (``DeviceLifecycle/crpReceived(_:authenticated:)``).
    public func announce(
        _ address: ControlAddress, from source: String? = nil, authenticated: Bool = true, bootID: UInt32? = nil
    ) {
        guard !stopped else { return }
        // Only a signed boot id counts (auto-config runs once per boot): an unsigned one could be forged.
        if authenticated, let bootID { lastBootID = bootID }
        lastAnnouncement = context.now()
        if let source { announcedFrom = source }
        if let bootID { announcedBootID = bootID }
        if lifecycle.state == .rebooting, let before = bootBeforeReboot, bootID == before {
            // Not the comeback yet (at worst a forged one delays the connect until the reboot window ends).
            return
        }
        perform(lifecycle.crpReceived(address, authenticated: authenticated))
    }

    /// A new revision of the desired state. A nil host key or serial keeps what was learned; a
    /// different host key replaces the pin (and lifts a host-key block).
    /// `cause` (the revision and its author) goes into the `device.suspended` / `device.resumed` event.
    public func update(expectation: DeviceExpectation, suspended: Bool, cause: EventCause? = nil) {
        guard !stopped else { return }
        self.cause = cause
        defer { self.cause = nil }
        var new = expectation
        new.hostKey = new.hostKey.map(SSHHostKey.normalizedFingerprint) ?? lifecycle.expectation.hostKey
        new.serial = new.serial ?? lifecycle.expectation.serial
        if new != lifecycle.expectation {
            if tentativePin != nil, new.hostKey != tentativePin?.fingerprint { tentativePin = nil }
            perform(lifecycle.expectationChanged(new))
            // A session opened with a key the new pin no longer allows does not stay.
            if let session, let pin = lifecycle.expectation.hostKey, session.hostKey.fingerprint != pin {
                perform(
                    lifecycle.sessionDropped(
                        reason:
                            "the pinned host key changed to \(pin); the session used \(session.hostKey.fingerprint)",
                        jitter: context.jitter()))
            }
        }
        if suspended, lifecycle.state != .suspended {
            perform(lifecycle.suspend())
        } else if !suspended, lifecycle.state == .suspended {
            perform(lifecycle.resume())
        }
    }

    /// A reboot (or a firmware update / config restore that reboots) was ordered: the coming
    /// disconnection is expected for the kind's window.
    public func rebootOrdered(_ kind: RebootKind) {
        guard !stopped else { return }
        // Only an announced reboot (an RPC this process sent) filters old-boot announcements: a reboot assumed after
        // a restart may already have happened, and the device's announcements are then its comeback.
        perform(lifecycle.rebootOrdered(kind))
    }

    /// Say this before sending an RPC that reboots the device: should the session drop before the reply is handled
    /// (the device reboots right after answering), that is the reboot window, not an outage. Follow with
    /// ``rebootOrdered(_:)`` when the reply says it reboots, or ``rebootWithdrawn()`` when it does not.
    public func rebootAnnounced(_ kind: RebootKind) {
        guard !stopped else { return }
        bootBeforeReboot = announcedBootID
        perform(lifecycle.rebootAnnounced(kind))
    }

    public func rebootWithdrawn() {
        if lifecycle.state != .rebooting { bootBeforeReboot = nil }
        perform(lifecycle.rebootWithdrawn())
    }

    /// The device left the desired state: close its session, stop its timers, record
    /// `device.deleted`. Returns once the event is written.
    public func remove(cause: EventCause? = nil) async {
        guard !stopped else { return }
        self.cause = cause
        perform(lifecycle.deleted())
        self.cause = nil
        await stop()
    }

    /// The daemon stops: close the session politely, stop timers, flush pending events.
    public func shutdown() async {
        guard !stopped else { return }
        await stop()
    }

    /// The boot id the device last announced with a verified signature, if any.
    public func bootID() -> UInt32? { lastBootID }

    /// A snapshot of what the agent knows.
    public func info() -> DeviceRuntimeInfo {
        let system = readout?.system
        return DeviceRuntimeInfo(
            code: code, state: lifecycle.state, address: lifecycle.address, identity: identity,
            hostKey: lifecycle.expectation.hostKey, hostKeyBlocked: lifecycle.hostKeyBlocked,
            capabilities: session?.capabilities ?? [],
            uptimeSeconds: system?.uptime.map { Int64(clamping: $0) },
            loadAverage: system?.loadAverage.map { [$0.one, $0.five, $0.fifteen] },
            memoryUsedKiB: system?.memoryUsed.map { Int64(clamping: $0) },
            memoryTotalKiB: system?.memoryTotal.map { Int64(clamping: $0) },
            interfaces: readout?.interfaces ?? [], lastAnnouncement: lastAnnouncement, announcedFrom: announcedFrom,
            consecutiveFailures: lifecycle.consecutiveFailures, lastRefresh: lastRefresh)
    }

    /// Runs `body` on the open session; the device is `communicating` meanwhile (bodies may
    /// overlap: it is `communicating` until the last one ends). Throws ``DeviceUnavailable``
    /// when the device is not connected. A session-level failure thrown by the body (the session
    /// closed, the loop stopped, a protocol violation) moves the device to `disconnected`, and it
    /// reconnects after the backoff; an `rpc-error` or an RPC timeout does not.
    public func withSession<T: Sendable>(_ body: @Sendable (any DeviceSession) async throws -> T) async throws -> T {
        guard !stopped, !lifecycle.isDeleted, let session,
            lifecycle.state == .connected || lifecycle.state == .communicating
        else {
            throw DeviceUnavailable(
                tenant: tenant, device: code, state: lifecycle.state, reason: unavailableReason())
        }
        let generation = sessionGeneration
        operations += 1
        if operations == 1 { perform(lifecycle.operationStarted()) }
        do {
            let value = try await body(session)
            operationEnded(generation, error: nil)
            return value
        } catch {
            operationEnded(generation, error: error)
            throw error
        }
    }

    /// Reads health and interfaces again now (as the periodic refresh does). Throws
    /// ``DeviceUnavailable`` without a session, or the read's error.
    public func refresh() async throws {
        guard let session, lifecycle.state == .connected || lifecycle.state == .communicating else {
            throw DeviceUnavailable(
                tenant: tenant, device: code, state: lifecycle.state, reason: unavailableReason())
        }
        try await refresh(session: session, generation: sessionGeneration)
    }

    // MARK: - Performing lifecycle actions

    /// Posts the lifecycle state for the tenant's status (after every step; a removed device takes itself off).
    private func postState() {
        if lifecycle.isDeleted {
            context.stateBoard?.remove(code)
        } else {
            context.stateBoard?.post(code, lifecycle.state, blocked: lifecycle.hostKeyBlocked, at: context.now())
        }
    }

    private func perform(_ actions: [LifecycleAction]) {
        defer { postState() }
        var events: [Event] = []
        for action in actions {
            switch action {
            case .connect(let address):
                startConnecting(to: address)
            case .startIdentification:
                startIdentification()
            case .closeSession:
                closeSession()
            case .checkSession:
                // A failed read reports the session dropped (and the candidate address is tried).
                if let session {
                    let generation = sessionGeneration
                    Task { [weak self] in try? await self?.refresh(session: session, generation: generation) }
                }
            case .scheduleTimer(let timer, let delay):
                schedule(timer, after: delay)
            case .cancelTimer(let timer):
                if self.timer == timer {
                    timerTask?.cancel()
                    timerTask = nil
                    self.timer = nil
                }
            case .pinHostKey(let fingerprint):
                // First contact: hold the pin back until identification proves the device.
                tentativePin = (fingerprint, nil)
            case .recordSerial:
                break  // persisted with the pin once identification succeeded (see `identificationRead`)
            case .dropCachedInfo:
                identity = nil
                readout = nil
                lastRefresh = nil
            case .emit(let type, let details):
                let event = Event(
                    time: context.now(), tenant: tenant, type: type, device: code, user: cause?.user,
                    revision: cause?.revision, details: details.merging(cause?.details ?? [:]) { own, _ in own })
                if type == .deviceHostKeyPinned, tentativePin != nil {
                    tentativePin?.event = event
                } else {
                    events.append(event)
                }
            case .ignored(let reason):
                context.logger.debug(
                    "device input ignored",
                    metadata: ["tenant": "\(tenant)", "device.code": "\(code)", "reason": "\(reason.rawValue)"])
            }
        }
        if tentativePin != nil, lifecycle.state != .identifying { forgetTentativePin() }
        if !events.isEmpty { outbox.yield(.events(events)) }
    }

    /// Identification did not prove the device: the key seen on first contact is not kept.
    private func forgetTentativePin() {
        guard let pin = tentativePin else { return }
        tentativePin = nil
        guard lifecycle.expectation.hostKey == pin.fingerprint else { return }
        var expectation = lifecycle.expectation
        expectation.hostKey = nil
        _ = lifecycle.expectationChanged(expectation)
    }

    private func startConnecting(to address: ControlAddress) {
        closeSession()
        attempt += 1
        let id = attempt
        let pinned = lifecycle.expectation.hostKey
        let context = self.context
        var logger = context.logger
        logger[metadataKey: "tenant"] = "\(tenant)"
        logger[metadataKey: "device.code"] = "\(code)"
        // Runs after the key exchange, before authentication: a refused key means no credential
        // and no RPC ever reach the server.
        let policy = HostKeyPolicy { [weak self] key in
            await self?.presented(key.fingerprint, attempt: id)
            guard let pinned else { return .accept }
            return key.fingerprint == pinned
                ? .accept
                : .reject(reason: "the device presented \(key.fingerprint) but \(pinned) is pinned")
        }
        attemptTask = Task { [weak self] in
            let result: Result<any DeviceSession, any Error>
            do {
                result = .success(
                    try await context.connect.open(
                        DeviceConnectRequest(
                            host: address.host, port: address.port, username: context.username,
                            authentication: context.authentication, hostKey: policy, timeouts: context.timeouts,
                            logger: logger)))
            } catch {
                result = .failure(error)
            }
            guard let self else {
                if case .success(let session) = result { await session.close() }
                return
            }
            await self.connectFinished(attempt: id, result)
        }
    }

    private func presented(_ fingerprint: String, attempt id: UInt64) {
        if id == attempt { presentedKeys = [id: fingerprint] }
    }

    private func connectFinished(attempt id: UInt64, _ result: Result<any DeviceSession, any Error>) {
        guard id == attempt, lifecycle.state == .identifying, lifecycle.step == .connecting, !stopped else {
            if case .success(let stale) = result { Task { await stale.close() } }
            return
        }
        attemptTask = nil
        switch result {
        case .success(let newSession):
            let (outbox, now, tenant, code) = (outbox, context.now, tenant, code)
            session = ReportingSession(newSession) { report in
                outbox.yield(
                    .events([
                        Event(time: now(), tenant: tenant, type: report.type, device: code, details: report.details)
                    ]))
            }
            sessionGeneration += 1
            operations = 0
            presentedKeys = [:]
            perform(lifecycle.connectSucceeded(hostKey: newSession.hostKey.fingerprint))
        case .failure(let error):
            if let failure = error as? NETCONFClientError, failure.code == .hostKeyRejected,
                let presented = presentedKeys[id]
            {
                context.logger.warning(
                    lifecycle.addressTrusted
                        ? "device presented another host key than the pinned one; management blocked"
                        : "another host key at an address only an unsigned announcement gave; address discarded",
                    metadata: [
                        "tenant": "\(tenant)", "device.code": "\(code)", "presented": "\(presented)",
                        "pinned": "\(lifecycle.expectation.hostKey ?? "-")",
                    ])
                presentedKeys = [:]
                perform(lifecycle.hostKeyMismatch(presented: presented, jitter: context.jitter()))
            } else {
                presentedKeys = [:]
                perform(lifecycle.connectFailed(error: Self.describe(error), jitter: context.jitter()))
            }
        }
    }

    private func startIdentification() {
        guard let session else { return }
        let id = attempt
        attemptTask = Task { [weak self] in
            let result: Result<DeviceReadout, any Error>
            do {
                result = .success(
                    try await DeviceReadout.read(from: session, containers: DeviceReadout.identificationFilter))
            } catch {
                result = .failure(error)
            }
            await self?.identificationRead(attempt: id, result)
        }
    }

    private func identificationRead(attempt id: UInt64, _ result: Result<DeviceReadout, any Error>) {
        guard id == attempt, lifecycle.state == .identifying, lifecycle.step == .reading, !stopped else { return }
        attemptTask = nil
        let read: DeviceReadout
        switch result {
        case .failure(let error):
            perform(lifecycle.connectFailed(error: "identification: \(Self.describe(error))", jitter: context.jitter()))
            return
        case .success(let value):
            read = value
        }
        guard let identity = read.identity else {
            perform(
                lifecycle.connectFailed(
                    error: "identification: the device reported no serial number in /nxr:system/state",
                    jitter: context.jitter()))
            return
        }
        let actions = lifecycle.identified(identity, jitter: context.jitter())
        guard lifecycle.state == .connected, let session else {
            perform(actions)  // code / product mismatch: the tentative pin is forgotten
            return
        }
        // Proven: the held-back pin becomes real, before anything else is reported.
        if let pin = tentativePin {
            tentativePin = nil
            if let event = pin.event { outbox.yield(.events([event])) }
        }
        self.identity = identity
        self.readout = read
        lastRefresh = context.now()
        perform(actions)
        outbox.yield(.persist(hostKey: lifecycle.expectation.hostKey, serial: lifecycle.expectation.serial))
        outbox.yield(.ready)
        context.logger.info(
            "device connected",
            metadata: [
                "tenant": "\(tenant)", "device.code": "\(code)",
                "address": "\(lifecycle.address?.description ?? "-")", "serial": "\(identity.serial)",
            ])
        startWatching(session, generation: sessionGeneration)
        startRefreshing(session, generation: sessionGeneration)
    }

    /// Closes the session and abandons a connection attempt, if any.
    private func closeSession() {
        attemptTask?.cancel()
        attemptTask = nil
        attempt += 1
        presentedKeys = [:]
        refreshTask?.cancel()
        refreshTask = nil
        watchTask?.cancel()
        watchTask = nil
        guard let old = session else { return }
        session = nil
        sessionGeneration += 1
        operations = 0
        Task { await old.close() }
    }

    private func schedule(_ timer: LifecycleTimer, after delay: Duration) {
        timerTask?.cancel()
        self.timer = timer
        let clock = context.clock
        timerTask = Task { [weak self] in
            try? await clock.sleep(for: delay)
            guard !Task.isCancelled else { return }
            await self?.fire(timer)
        }
    }

    private func fire(_ timer: LifecycleTimer) {
        guard self.timer == timer, !stopped else { return }
        self.timer = nil
        timerTask = nil
        perform(lifecycle.timerFired(timer, jitter: context.jitter()))
    }

    // MARK: - The persistent session

    /// Subscribes to the device's notifications when it can interleave them with RPCs; the end of
    /// the stream is how an idle session's death is noticed.
    private func startWatching(_ session: any DeviceSession, generation: UInt64) {
        guard session.supports(Capability.notification), session.supports(Capability.interleave) else { return }
        watchTask = Task { [weak self] in
            let stream: AsyncStream<NETCONF.Notification>
            do {
                stream = try await session.subscribeNotifications()
            } catch {
                await self?.sessionFailed(generation: generation, error: error, during: "subscribing to notifications")
                return
            }
            for await notification in stream {
                await self?.received(notification, generation: generation)
            }
            guard !Task.isCancelled else { return }
            await self?.sessionEnded(generation: generation)
        }
    }

    private func received(_ notification: NETCONF.Notification, generation: UInt64) {
        guard generation == sessionGeneration, let session else { return }
        for content in notification.content {
            guard case .configChange(.running, _, let sessionID, let targets)? = try? NXRNotification.parse(content)
            else { continue }
            if sessionID == nil || sessionID != session.sessionID { context.onConfigChanged(code) }
            guard targets.contains("interfaces") else { continue }
            if sessionID == nil || sessionID != session.sessionID {
                outbox.yield(
                    .events([
                        Event(time: context.now(), tenant: tenant, type: .deviceInterfacesChanged, device: code)
                    ]))
            }
            Task { [weak self] in try? await self?.refresh(session: session, generation: generation) }
        }
    }

    private func sessionEnded(generation: UInt64) {
        guard generation == sessionGeneration, session != nil else { return }
        perform(lifecycle.sessionDropped(reason: "the device closed the session", jitter: context.jitter()))
    }

    private func startRefreshing(_ session: any DeviceSession, generation: UInt64) {
        let interval = context.refreshInterval
        let clock = context.clock
        refreshTask = Task { [weak self] in
            while !Task.isCancelled {
                try? await clock.sleep(for: interval)
                guard !Task.isCancelled, let self else { return }
                try? await self.refresh(session: session, generation: generation)
            }
        }
    }

    private func refresh(session: any DeviceSession, generation: UInt64) async throws {
        do {
            let read = try await DeviceReadout.read(from: session, containers: DeviceReadout.refreshFilter)
            guard generation == sessionGeneration else { return }
            readout = read
            lastRefresh = context.now()
        } catch {
            sessionFailed(generation: generation, error: error, during: "refreshing health and interfaces")
            throw error
        }
    }

    private func sessionFailed(generation: UInt64, error: any Error, during activity: String) {
        context.logger.debug(
            "device read failed",
            metadata: [
                "tenant": "\(tenant)", "device.code": "\(code)", "activity": "\(activity)",
                "error": "\(Self.describe(error))",
            ])
        guard generation == sessionGeneration, session != nil, Self.isSessionLevel(error) else { return }
        perform(lifecycle.sessionDropped(reason: Self.describe(error), jitter: context.jitter()))
    }

    private func operationEnded(_ generation: UInt64, error: (any Error)?) {
        guard generation == sessionGeneration else { return }
        operations = max(0, operations - 1)
        if let error, Self.isSessionLevel(error) {
            perform(lifecycle.sessionDropped(reason: Self.describe(error), jitter: context.jitter()))
            return
        }
        if operations == 0 { perform(lifecycle.operationFinished()) }
    }

    private func stop() async {
        stopped = true
        timerTask?.cancel()
        timerTask = nil
        timer = nil
        attemptTask?.cancel()
        attemptTask = nil
        attempt += 1
        refreshTask?.cancel()
        watchTask?.cancel()
        let old = session
        session = nil
        sessionGeneration += 1
        outbox.finish()
        if let old { await old.close() }
        await outboxTask.value
    }

    private func unavailableReason() -> String {
        if stopped || lifecycle.isDeleted { return "the device was removed" }
        if lifecycle.hostKeyBlocked { return "its host key differs from the pinned one; management is blocked" }
        switch lifecycle.state {
        case .awaitingAddress: return "no CRP announcement received yet"
        case .identifying: return "connecting and identifying"
        case .disconnected: return "not connected; a reconnect is scheduled"
        case .rebooting: return "rebooting"
        case .suspended: return "suspended"
        case .connected, .communicating: return "no session"
        }
    }

    /// Whether an error means the session is gone (as opposed to one RPC failing).
    static func isSessionLevel(_ error: any Error) -> Bool {
        guard let failure = error as? NETCONFClientError else { return false }
        return [.sessionClosed, .loopShutDown, .protocolViolation].contains(failure.code)
    }

    /// Error text for events and logs (the client's errors never contain secrets).
    static func describe(_ error: any Error) -> String {
        if let failure = error as? NETCONFClientError { return "\(failure.code.rawValue): \(failure.message)" }
        if let failure = error as? RPCError { return "rpc-error \(failure.tag): \(failure.message ?? "")" }
        return "\(error)"
    }
}
