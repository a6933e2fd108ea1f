/// One apply of a planned change to one device, as a state machine (docs/reconcile.md, STYLE
/// "Decisions in values"): the driver (the daemon's Applier) performs each RPC ``ApplyAction`` it is
/// given and reports the result; no I/O, no clock.
///
/// With `:candidate` + `:confirmed-commit` (the normal NXR case):
/// `lock(candidate) → discard-changes → edit(candidate) → [validate] → commit(confirmed, timeout)
/// → read-back → confirm → unlock → finish(applied)`. A read-back that differs cancels the commit;
/// an error before the commit discards the candidate; a session lost after the confirmed commit lets
/// the device revert by itself. Either way nothing half-applied stays active.
///
/// With `:candidate` but no confirmed commit the commit is plain (a read-back difference can then
/// not be undone). Without `:candidate`: `lock(running) → edit(running, rollback-on-error if offered)
/// → read-back → unlock`.
///
/// After a successful `lock`, `unlock` is always attempted, whatever fails later — except when the
/// session is lost (``ErrorClass/wait``): then no RPC can be sent, and the device releases the lock
/// (and discards an uncommitted candidate, RFC 6241 §8.3.5.2) when the session ends.
/// Results that do not fit the current step are ignored (they return `[]`).
public struct ApplyRun: Sendable, Hashable {
    /// A NETCONF operation of the run; the raw value names it in messages (``ApplyFailure/step``).
    public enum Operation: String, Sendable, Hashable, CaseIterable {
        case lock
        case discardChanges = "discard-changes"
        case edit = "edit-config"
        case validate
        case commit
        case readBack = "read-back"
        case confirm
        case cancelCommit = "cancel-commit"
        case unlock
    }

    public let capabilities: ApplyCapabilities
    /// How long the device waits for the confirming commit before it reverts (whole seconds, ≥ 1).
    public let confirmTimeout: Duration
    /// The operation whose result the run waits for; nil before `start()` and after the finish.
    public private(set) var current: Operation?
    /// Set once the run has finished (the same value as the `finish` action carried).
    public private(set) var outcome: ApplyOutcome?
    /// Problems that did not change the outcome (e.g. an `unlock` refused after a verified apply).
    public private(set) var notes: [String]
    private var plan: [Operation]
    private var position: Int
    private var cleanup: [Operation]
    private var pendingFailure: ApplyFailure?
    private var started: Bool
    private var locked: Bool

    public init(capabilities: ApplyCapabilities, confirmTimeout: Duration = .seconds(60)) {
        self.capabilities = capabilities
        self.confirmTimeout = max(.seconds(confirmTimeout.components.seconds), .seconds(1))
        var plan: [Operation] = [.lock]
        if capabilities.candidate {
            plan += [.discardChanges, .edit]
            if capabilities.validate { plan.append(.validate) }
            plan += [.commit, .readBack]
            if capabilities.confirmedCommit { plan.append(.confirm) }
        } else {
            plan += [.edit, .readBack]
        }
        plan.append(.unlock)
        self.plan = plan
        self.position = 0
        self.cleanup = []
        self.pendingFailure = nil
        self.current = nil
        self.outcome = nil
        self.notes = []
        self.started = false
        self.locked = false
    }

    /// The datastore the run edits: candidate when offered, else running.
    public var datastore: Datastore { capabilities.candidate ? .candidate : .running }
    /// Whether the commit is a confirmed commit (candidate + confirmed-commit).
    public var usesConfirmedCommit: Bool { capabilities.candidate && capabilities.confirmedCommit }
    public var isFinished: Bool { outcome != nil }
    /// The operations of a run where everything succeeds, in order.
    public var plannedOperations: [Operation] { plan }

    // MARK: - Inputs

    /// Begins the run: the first action is the lock.
    public mutating func start() -> [ApplyAction] {
        guard !started else { return [] }
        started = true
        return perform(plan[0])
    }

    /// The last RPC action returned `<ok/>` (or its data). After `.readBack` this counts as a read-back
    /// without differences; prefer ``readBack(mismatches:)`` there.
    public mutating func succeeded() -> [ApplyAction] {
        guard let operation = current else { return [] }
        if pendingFailure != nil { return continueCleanup() }
        switch operation {
        case .lock:
            locked = true
        case .readBack:
            return readBack(mismatches: [])
        case .unlock:
            locked = false
        default:
            break
        }
        return advance()
    }

    /// The result of `.readBack`: the paths where the device differs from the desired state; empty
    /// when the change is verified.
    public mutating func readBack(mismatches: [String]) -> [ApplyAction] {
        guard current == .readBack, pendingFailure == nil else { return [] }
        if mismatches.isEmpty { return advance() }
        let shown = mismatches.prefix(5).joined(separator: ", ")
        let more = mismatches.count > 5 ? " (and \(mismatches.count - 5) more)" : ""
        let differs = "the device's configuration differs from the desired state after the change at \(shown)\(more)"
        if usesConfirmedCommit {
            return fail(
                .terminal, .readBack,
                "\(differs); the confirmed commit is cancelled and the device keeps its previous configuration; "
                    + "check that the repo's config is what the device reports (values it normalizes?)",
                leftClean: true, then: [.cancelCommit])
        }
        return fail(
            .terminal, .readBack,
            "\(differs); the change is active and cannot be undone (the device offers no confirmed commit); "
                + "fix the repo's config or the device",
            leftClean: false, then: [])
    }

    /// The last RPC action failed. `errorClass` is the driver's judgement (``ErrorClass/forRPCError(tag:)``
    /// for an `<rpc-error>`, `.wait` when the session is gone).
    public mutating func failed(_ errorClass: ErrorClass, _ message: String) -> [ApplyAction] {
        guard let operation = current else { return [] }
        if pendingFailure != nil { return cleanupFailed(operation, errorClass, message) }
        if errorClass == .wait { return sessionLost(at: operation, message) }
        let what = "\(operation.rawValue) failed: \(message)"
        switch operation {
        case .lock:
            return fail(errorClass, .lock, "\(what); nothing was changed", leftClean: true, then: [])
        case .discardChanges:
            return fail(errorClass, operation, "\(what); nothing was changed", leftClean: true, then: [])
        case .edit, .validate, .commit:
            if capabilities.candidate {
                return fail(
                    errorClass, operation,
                    "\(what); the candidate is discarded, the running configuration is unchanged",
                    leftClean: true, then: [.discardChanges])
            }
            if capabilities.rollbackOnError {
                return fail(
                    errorClass, operation, "\(what); the device rolled the edit back (rollback-on-error)",
                    leftClean: true, then: [])
            }
            return fail(
                errorClass, operation,
                "\(what); the device offers no rollback-on-error, so part of the change may be active; "
                    + "the next run reads the configuration back and applies the rest",
                leftClean: false, then: [])
        case .readBack:
            if usesConfirmedCommit {
                return fail(
                    errorClass, operation, "\(what); the unverified confirmed commit is cancelled",
                    leftClean: true, then: [.cancelCommit])
            }
            return fail(
                errorClass, operation, "\(what); the change is active but unverified; the next run reads it back",
                leftClean: false, then: [])
        case .confirm:
            return fail(
                errorClass, operation, "\(what); the confirmed commit is cancelled", leftClean: true,
                then: [.cancelCommit])
        case .unlock:
            notes.append("unlock failed: \(message); the device releases the lock when the session closes")
            return finish(.applied)
        case .cancelCommit:
            return []  // only ever sent as cleanup
        }
    }

    // MARK: - Steps

    private mutating func perform(_ operation: Operation) -> [ApplyAction] {
        current = operation
        switch operation {
        case .lock: return [.lock(datastore)]
        case .discardChanges: return [.discardChanges]
        case .edit: return [.edit(datastore, rollbackOnError: !capabilities.candidate && capabilities.rollbackOnError)]
        case .validate: return [.validate(datastore)]
        case .commit: return [.commit(confirmTimeout: usesConfirmedCommit ? confirmTimeout : nil)]
        case .readBack: return [.readBack]
        case .confirm: return [.confirm]
        case .cancelCommit: return [.cancelCommit]
        case .unlock: return [.unlock(datastore)]
        }
    }

    private mutating func advance() -> [ApplyAction] {
        position += 1
        guard position < plan.count else { return finish(.applied) }
        return perform(plan[position])
    }

    private mutating func finish(_ outcome: ApplyOutcome) -> [ApplyAction] {
        current = nil
        self.outcome = outcome
        return [.finish(outcome)]
    }

    /// Records the failure, then runs `then` (+ unlock when locked) as cleanup before finishing.
    private mutating func fail(
        _ errorClass: ErrorClass, _ operation: Operation, _ message: String, leftClean: Bool, then: [Operation]
    ) -> [ApplyAction] {
        pendingFailure = ApplyFailure(
            errorClass: errorClass, step: operation.rawValue, message: message, leftClean: leftClean)
        cleanup = then + (locked ? [.unlock] : [])
        return continueCleanup()
    }

    private mutating func continueCleanup() -> [ApplyAction] {
        if current == .unlock { locked = false }
        guard !cleanup.isEmpty else { return finishFailed() }
        return perform(cleanup.removeFirst())
    }

    private mutating func finishFailed() -> [ApplyAction] {
        guard var failure = pendingFailure else { return finish(.applied) }
        if !notes.isEmpty { failure.message += "; " + notes.joined(separator: "; ") }
        return finish(.failed(failure))
    }

    private mutating func cleanupFailed(_ operation: Operation, _ errorClass: ErrorClass, _ message: String)
        -> [ApplyAction]
    {
        let seconds = confirmTimeout.components.seconds
        let consequence =
            switch operation {
            case .cancelCommit:
                "the device reverts by itself when the confirm timeout (\(seconds) s) expires or the session closes"
            case .discardChanges:
                "the candidate keeps the change until the lock is released (which discards it); running is unchanged"
            default:
                "the device releases the lock when the session closes"
            }
        if errorClass == .wait {
            notes.append("the session was lost during \(operation.rawValue) (\(message)); \(consequence)")
            cleanup = []
            locked = false
            return finishFailed()
        }
        notes.append("\(operation.rawValue) failed: \(message); \(consequence)")
        return continueCleanup()
    }

    /// The session is gone at `operation`: no more RPCs; say what the device is left with.
    private mutating func sessionLost(at operation: Operation, _ message: String) -> [ApplyAction] {
        locked = false
        let lost = "the session was lost during \(operation.rawValue): \(message)"
        let clean: Bool
        let consequence: String
        switch operation {
        case .lock, .discardChanges, .edit, .validate:
            clean = true
            consequence =
                if operation == .lock {
                    "nothing was changed"
                } else if capabilities.candidate {
                    "nothing was committed; the device discards the candidate when the session ends"
                } else {
                    "the edit of running may or may not have been applied; the next run reads it back"
                }
        case .commit, .readBack:
            clean = usesConfirmedCommit
            consequence =
                usesConfirmedCommit
                ? "the device reverts the unconfirmed commit by itself when the session closes"
                : "the change may be active but is unverified; the next run reads it back"
        case .confirm:
            clean = true
            consequence =
                "the device either confirmed the verified change or reverts it when the session closes; "
                + "the next run reads it back"
        case .unlock:
            return finish(.applied)
        case .cancelCommit:
            clean = true
            consequence = "the device reverts by itself when the session closes"
        }
        let leftClean = clean && !(operation == .edit && !capabilities.candidate)
        return fail(.wait, operation, "\(lost); \(consequence)", leftClean: leftClean, then: [])
    }
}
