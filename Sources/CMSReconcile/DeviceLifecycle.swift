import CMSModel

/// The life of one managed device as an explicit state machine (SPEC §2, DESIGN §3, STYLE
/// "Decisions in values"): one `mutating func` per input, each returning the ``LifecycleAction``s
/// its driver must perform. No I/O, no clock: time-dependent decisions take their inputs (the
/// jitter draw) as arguments, and timers are actions the driver runs and reports back.
///
/// Flow: `awaiting-address` —CRP→ `identifying` (connect, verify/pin host key, read identity)
/// → `connected` ⇄ `communicating`; session loss → `disconnected` → retry with capped exponential
/// backoff (or at once on the next CRP); a reboot / firmware update / restore → `rebooting`, where
/// the disconnection is expected; `suspended` drops everything and ignores CRP until resumed.
/// Inputs that make no sense in the current state are harmless: they return `.ignored(reason)`.
public struct DeviceLifecycle: Sendable, Hashable {
    /// Whether `identifying` is still opening the session or already reading the identity.
    public enum IdentifyingStep: String, Sendable, Hashable, Codable {
        case connecting
        case reading
    }

    public private(set) var state: DeviceState
    public private(set) var expectation: DeviceExpectation
    /// The control address connections go to: the last one announced by CRP, or the last good one
    /// after an unsigned hint turned out wrong.
    public private(set) var address: ControlAddress?
    /// Whether ``address`` can be trusted: a signed (verified) announcement gave it, or the device
    /// was identified there. An address only an unsigned announcement gave is a mere candidate: a
    /// failure there (above all another host key) is that address's problem, never the device's.
    public private(set) var addressTrusted: Bool
    /// The address where the device was last identified (its session worked there).
    public private(set) var lastGoodAddress: ControlAddress?
    /// Another address an unsigned announcement gave while a session was up or an attempt was
    /// running: it never interrupts them; it is tried once if they fail.
    public private(set) var candidate: ControlAddress?
    /// Set only while `identifying`.
    public private(set) var step: IdentifyingStep?
    /// Failed connection attempts since the last successful identification.
    public private(set) var consecutiveFailures: Int
    /// The one timer currently wanted, if any.
    public private(set) var pendingTimer: LifecycleTimer?
    /// A presented host key differed from the pinned one: no connection until the pin changes.
    public private(set) var hostKeyBlocked: Bool
    public private(set) var isDeleted: Bool
    /// A reboot the daemon is about to cause (a firmware update or restore RPC is on its way): the device may drop
    /// its session before the RPC's reply is processed, and that drop is then the reboot, not an outage.
    public private(set) var announcedReboot: RebootKind?
    public var policy: LifecyclePolicy
    private var timerGeneration: UInt64

    /// A registered device: `awaiting-address`, or `suspended` when the desired state says so.
    public init(expectation: DeviceExpectation, suspended: Bool = false, policy: LifecyclePolicy = LifecyclePolicy()) {
        self.state = suspended ? .suspended : .awaitingAddress
        self.expectation = expectation
        self.address = nil
        self.addressTrusted = false
        self.lastGoodAddress = nil
        self.candidate = nil
        self.step = nil
        self.consecutiveFailures = 0
        self.pendingTimer = nil
        self.hostKeyBlocked = false
        self.isDeleted = false
        self.policy = policy
        self.timerGeneration = 0
    }

    // MARK: - Inputs

    /// A CRP announcement of the device's control address arrived (a trigger, never trust).
    ///
    /// `authenticated` is true when the tenant has a CRP secret and the signature verified. Anyone
    /// can forge an unsigned announcement (docs/security.md "CRP listener"), so one may make us
    /// *try* an address but never drops a working session or interrupts an attempt: while busy,
    /// its address is kept as the ``candidate`` (and a connected device's session is checked,
    /// since the device may really have moved), tried once if the session or attempt fails.
    public mutating func crpReceived(_ announced: ControlAddress, authenticated: Bool = true) -> [LifecycleAction] {
        if isDeleted { return [.ignored(.deleted)] }
        switch state {
        case .suspended:
            return [.ignored(.suspended)]
        case .awaitingAddress, .disconnected, .rebooting:
            if hostKeyBlocked { return [.ignored(.hostKeyBlocked)] }
            address = announced
            addressTrusted = authenticated || announced == lastGoodAddress
            candidate = nil
            return [notified(announced)] + startConnecting()
        case .identifying, .connected, .communicating:
            if announced == address {
                if candidate == nil {
                    return [.ignored(state == .identifying ? .alreadyConnecting : .alreadyConnected)]
                }
                // The device confirms where it is: an earlier unsigned hint elsewhere is void.
                candidate = nil
                return []
            }
            guard authenticated else {
                candidate = announced
                return state == .identifying ? [] : [.checkSession]
            }
            address = announced
            addressTrusted = true
            candidate = nil
            return [notified(announced), .closeSession] + startConnecting()
        }
    }

    /// The SSH/NETCONF session is up; `hostKey` is the fingerprint the device presented.
    public mutating func connectSucceeded(hostKey: String) -> [LifecycleAction] {
        announcedReboot = nil
        if isDeleted { return [.ignored(.deleted)] }
        guard state == .identifying, step == .connecting else { return [.ignored(.notConnecting)] }
        if let pinned = expectation.hostKey, pinned != hostKey {
            return hostKeyMismatch(presented: hostKey)
        }
        var actions: [LifecycleAction] = []
        if expectation.hostKey == nil {
            expectation.hostKey = hostKey
            actions += [.pinHostKey(hostKey), emit(.deviceHostKeyPinned, ["fingerprint": hostKey])]
        }
        step = .reading
        return actions + [.startIdentification]
    }

    /// The transport refused the device: it presented `presented` instead of the pinned key.
    /// At a trusted address management is blocked (no retry) until ``expectationChanged(_:)``
    /// brings another pin. At an address only an unsigned announcement gave, the address is
    /// discarded instead: the device goes back to its last good address (or waits for the next
    /// announcement) and is not blocked — a stranger's datagram must not lock a device out.
    public mutating func hostKeyMismatch(presented: String, jitter: Double = 0.5) -> [LifecycleAction] {
        if isDeleted { return [.ignored(.deleted)] }
        guard state == .identifying else { return [.ignored(.notConnecting)] }
        var details = [
            "fingerprint": presented, "expected": expectation.hostKey ?? "", "address": address?.description ?? "",
        ]
        if !addressTrusted {
            details["announcement"] = "unsigned"
            details["outcome"] = "address discarded; the device is not blocked"
            let actions = cancelPending() + [.closeSession, emit(.deviceHostKeyMismatch, details)]
            step = nil
            address = nil
            addressTrusted = false
            return actions + retryElsewhere(jitter: jitter)
        }
        hostKeyBlocked = true
        let actions = cancelPending() + [.closeSession, emit(.deviceHostKeyMismatch, details)]
        state = .disconnected
        step = nil
        return actions
    }

    /// Identification finished: check the device is the one expected and go `connected`.
    public mutating func identified(_ identity: DeviceIdentity, jitter: Double) -> [LifecycleAction] {
        if isDeleted { return [.ignored(.deleted)] }
        guard state == .identifying, step == .reading else { return [.ignored(.notIdentifying)] }
        let place = address?.description ?? ""
        if expectation.isSerialCode {
            if identity.serial != expectation.code {
                return fail(.deviceCodeMismatch, ["actual": identity.serial, "address": place], jitter: jitter)
            }
        } else if identity.cpeID != expectation.code {
            return fail(.deviceCodeMismatch, ["actual": identity.cpeID ?? "", "address": place], jitter: jitter)
        }
        if identity.product != expectation.product.rawValue {
            return fail(
                .deviceProductMismatch,
                [
                    "actual": identity.product, "expected": expectation.product.rawValue, "address": place,
                ], jitter: jitter)
        }
        var actions = cancelPending()
        if let previous = expectation.serial {
            if previous != identity.serial {
                actions += [
                    .recordSerial(identity.serial),
                    emit(.deviceSerialChanged, ["serial": identity.serial, "previous": previous]),
                ]
            }
        } else {
            actions += [.recordSerial(identity.serial), emit(.deviceSerialRegistered, ["serial": identity.serial])]
        }
        expectation.serial = identity.serial
        consecutiveFailures = 0
        lastGoodAddress = address
        addressTrusted = true
        state = .connected
        step = nil
        return actions + [emit(.deviceConnectSucceeded, ["address": place, "firmware": identity.firmwareVersion])]
    }

    /// The connection attempt failed (refused, unreachable, authentication, hello…).
    public mutating func connectFailed(error: String, jitter: Double) -> [LifecycleAction] {
        if isDeleted { return [.ignored(.deleted)] }
        guard state == .identifying else { return [.ignored(.notConnecting)] }
        return fail(.deviceConnectFailed, ["address": address?.description ?? "", "error": error], jitter: jitter)
    }

    /// An RPC that reboots the device is about to be sent (``announcedReboot``). Only on a connected device.
    public mutating func rebootAnnounced(_ kind: RebootKind) -> [LifecycleAction] {
        if isDeleted { return [.ignored(.deleted)] }
        guard state == .connected || state == .communicating else { return [.ignored(.notConnected)] }
        announcedReboot = kind
        return []
    }

    /// The announced reboot will not happen (the device refused the RPC, or it does not reboot after all).
    public mutating func rebootWithdrawn() -> [LifecycleAction] {
        announcedReboot = nil
        return []
    }

    /// The session of a connected device went away.
    public mutating func sessionDropped(reason: String, jitter: Double) -> [LifecycleAction] {
        if isDeleted { return [.ignored(.deleted)] }
        if let kind = announcedReboot, state == .connected || state == .communicating {
            // The announced reboot began before its RPC's reply was handled: the reboot window, not an outage.
            return rebootOrdered(kind) + [.closeSession]
        }
        switch state {
        case .connected, .communicating:
            var actions = cancelPending() + [.closeSession, emit(.deviceDisconnected, ["reason": reason])]
            state = .disconnected
            consecutiveFailures = 1
            takeCandidate()
            actions += schedule(.retry, after: policy.backoff.delay(attempt: 1, jitter: jitter))
            return actions
        case .identifying:
            return fail(.deviceConnectFailed, ["address": address?.description ?? "", "error": reason], jitter: jitter)
        case .rebooting:
            // Expected (SPEC §12): the reboot window timer keeps running; no event, no failure.
            return [.closeSession]
        case .awaitingAddress, .disconnected, .suspended:
            return [.ignored(.noSession)]
        }
    }

    /// An operation (edit, read, backup…) starts on the session.
    public mutating func operationStarted() -> [LifecycleAction] {
        if isDeleted { return [.ignored(.deleted)] }
        switch state {
        case .connected:
            state = .communicating
            return []
        case .communicating:
            return [.ignored(.operationRunning)]
        default:
            return [.ignored(.notConnected)]
        }
    }

    /// The running operation ended (successfully or not; its outcome is the operation's business).
    public mutating func operationFinished() -> [LifecycleAction] {
        if isDeleted { return [.ignored(.deleted)] }
        guard state == .communicating else { return [.ignored(.noOperationRunning)] }
        state = .connected
        return []
    }

    /// The device was told to reboot (or to update firmware / restore a config, which reboots it).
    public mutating func rebootOrdered(_ kind: RebootKind) -> [LifecycleAction] {
        if isDeleted { return [.ignored(.deleted)] }
        announcedReboot = nil
        guard state == .connected || state == .communicating else { return [.ignored(.notConnected)] }
        var actions = cancelPending()
        if kind == .reboot { actions.append(emit(.deviceRebootStarted, [:])) }
        state = .rebooting
        return actions + schedule(.rebootWindow, after: policy.window(for: kind))
    }

    /// The operator suspended the device (`suspended: true` in git).
    public mutating func suspend() -> [LifecycleAction] {
        if isDeleted { return [.ignored(.deleted)] }
        guard state != .suspended else { return [.ignored(.alreadySuspended)] }
        var actions = cancelPending()
        if [.identifying, .connected, .communicating, .rebooting].contains(state) { actions.append(.closeSession) }
        actions += [.dropCachedInfo, emit(.deviceSuspended, [:])]
        state = .suspended
        step = nil
        address = nil
        addressTrusted = false
        lastGoodAddress = nil
        candidate = nil
        consecutiveFailures = 0
        return actions
    }

    /// The operator resumed the device: back to waiting for its CRP (SPEC §2).
    public mutating func resume() -> [LifecycleAction] {
        if isDeleted { return [.ignored(.deleted)] }
        guard state == .suspended else { return [.ignored(.notSuspended)] }
        state = .awaitingAddress
        return [emit(.deviceResumed, [:])]
    }

    /// The device disappeared from the desired state. After this every input is ignored.
    public mutating func deleted() -> [LifecycleAction] {
        if isDeleted { return [.ignored(.deleted)] }
        var actions = cancelPending()
        if [.identifying, .connected, .communicating, .rebooting].contains(state) { actions.append(.closeSession) }
        isDeleted = true
        step = nil
        return actions + [emit(.deviceDeleted, [:])]
    }

    /// A timer this lifecycle scheduled expired.
    public mutating func timerFired(_ timer: LifecycleTimer, jitter: Double) -> [LifecycleAction] {
        if isDeleted { return [.ignored(.deleted)] }
        guard timer == pendingTimer else { return [.ignored(.staleTimer)] }
        pendingTimer = nil
        switch timer.kind {
        case .identificationTimeout:
            return fail(.deviceIdentifyTimedOut, ["address": address?.description ?? ""], jitter: jitter)
        case .retry, .rebootWindow:
            // After a backoff, or when a rebooted device did not announce itself in time: try its
            // last known address (a failure then follows the normal backoff path).
            guard address != nil, !hostKeyBlocked else {
                state = hostKeyBlocked ? .disconnected : .awaitingAddress
                return []
            }
            return startConnecting()
        }
    }

    /// The desired state changed what the device is expected to be (for instance a new pinned
    /// host key after a legitimate hardware swap). A new pin lifts a host-key block.
    public mutating func expectationChanged(_ new: DeviceExpectation) -> [LifecycleAction] {
        if isDeleted { return [.ignored(.deleted)] }
        let pinChanged = new.hostKey != expectation.hostKey
        expectation = new
        guard hostKeyBlocked, pinChanged else { return [] }
        hostKeyBlocked = false
        guard state == .disconnected, address != nil else { return [] }
        return startConnecting()
    }

    // MARK: - Helpers

    /// Makes a pending unsigned ``candidate`` the address of the next attempt (tried once).
    private mutating func takeCandidate() {
        guard let next = candidate else { return }
        candidate = nil
        address = next
        addressTrusted = next == lastGoodAddress
    }

    /// After an unsigned address was discarded: retry at the candidate or the last good address
    /// with the next backoff step, or wait for an announcement when there is neither.
    private mutating func retryElsewhere(jitter: Double) -> [LifecycleAction] {
        if let lastGoodAddress {
            address = lastGoodAddress
            addressTrusted = true
        }
        takeCandidate()
        guard address != nil else {
            state = .awaitingAddress
            return []
        }
        state = .disconnected
        consecutiveFailures += 1
        return schedule(.retry, after: policy.backoff.delay(attempt: consecutiveFailures, jitter: jitter))
    }

    private func notified(_ announced: ControlAddress) -> LifecycleAction {
        emit(.crpAddressNotified, ["address": announced.description])
    }

    private func emit(_ type: EventType, _ details: [String: String]) -> LifecycleAction {
        .emit(type, details: details)
    }

    private mutating func schedule(_ kind: LifecycleTimer.Kind, after delay: Duration) -> [LifecycleAction] {
        timerGeneration += 1
        let timer = LifecycleTimer(kind: kind, generation: timerGeneration)
        pendingTimer = timer
        return [.scheduleTimer(timer, after: delay)]
    }

    private mutating func cancelPending() -> [LifecycleAction] {
        guard let timer = pendingTimer else { return [] }
        pendingTimer = nil
        return [.cancelTimer(timer)]
    }

    /// → `identifying`: connect to the current address with an identification deadline.
    private mutating func startConnecting() -> [LifecycleAction] {
        guard let address else { return [] }
        var actions = cancelPending()
        state = .identifying
        step = .connecting
        actions.append(.connect(to: address))
        return actions + schedule(.identificationTimeout, after: policy.identificationTimeout)
    }

    /// A failed attempt: close, report, → `disconnected`, retry after the next backoff step.
    private mutating func fail(_ type: EventType, _ details: [String: String], jitter: Double) -> [LifecycleAction] {
        var actions = cancelPending() + [.closeSession, emit(type, details)]
        consecutiveFailures += 1
        state = .disconnected
        step = nil
        if !addressTrusted, candidate != nil || (lastGoodAddress != nil && lastGoodAddress != address) {
            // An unsigned hint got its one try: next time, the other hint or the last good address.
            address = lastGoodAddress
            addressTrusted = lastGoodAddress != nil
        }
        takeCandidate()
        actions += schedule(.retry, after: policy.backoff.delay(attempt: consecutiveFailures, jitter: jitter))
        return actions
    }
}
