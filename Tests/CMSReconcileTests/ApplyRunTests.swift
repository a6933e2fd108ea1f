import CMSModel
import CMSReconcile
import Testing

/// A driver for `ApplyRun` in tests: answers each RPC action from a script and records the trace.
struct ApplyScript: Sendable, CustomTestStringConvertible {
    /// The forward operation that fails (its first occurrence), and how.
    var failAt: ApplyRun.Operation?
    var failClass: ErrorClass = .retry
    /// Read-back reports a difference.
    var mismatch = false
    /// Cleanup operations (sent after the failure) that fail too, and how.
    var cleanupFailures: Set<ApplyRun.Operation> = []
    var cleanupClass: ErrorClass = .retry

    var testDescription: String {
        var parts: [String] = []
        if let failAt { parts.append("\(failAt.rawValue) fails (\(failClass.rawValue))") }
        if mismatch { parts.append("read-back differs") }
        if !cleanupFailures.isEmpty {
            parts.append("cleanup \(cleanupFailures.map(\.rawValue).sorted()) fails (\(cleanupClass.rawValue))")
        }
        return parts.isEmpty ? "everything succeeds" : parts.joined(separator: ", ")
    }

    struct Trace {
        var actions: [ApplyAction] = []
        var lines: [String] = []
        var outcome: ApplyOutcome?
        /// Index in `actions` of the RPC whose reply was `.wait` (session lost), if any.
        var sessionLostAt: Int?
        var lockSucceeded = false
    }

    func run(_ capabilities: ApplyCapabilities) -> Trace {
        var run = ApplyRun(capabilities: capabilities)
        var trace = Trace()
        var pending = run.start()
        var failed = false
        var steps = 0
        while let action = pending.first, steps < 50 {
            steps += 1
            #expect(pending.count == 1, "one action at a time, got \(pending)")
            trace.actions.append(action)
            trace.lines.append(Self.describe(action))
            if case .finish(let outcome) = action {
                trace.outcome = outcome
                #expect(run.outcome == outcome)
                #expect(run.succeeded().isEmpty && run.failed(.retry, "late").isEmpty, "a finished run ignores input")
                break
            }
            guard let operation = Self.operation(of: action) else { break }
            #expect(run.current == operation)
            if !failed, operation == failAt {
                failed = true
                if failClass == .wait { trace.sessionLostAt = trace.actions.count - 1 }
                pending = run.failed(failClass, "scripted \(failClass.rawValue) error")
            } else if failed, cleanupFailures.contains(operation) {
                if cleanupClass == .wait { trace.sessionLostAt = trace.actions.count - 1 }
                pending = run.failed(cleanupClass, "scripted cleanup error")
            } else if operation == .readBack, mismatch, !failed {
                failed = true
                pending = run.readBack(mismatches: ["/config/interface[name='lan0']/ip"])
            } else if operation == .readBack {
                pending = run.readBack(mismatches: [])
            } else {
                if operation == .lock { trace.lockSucceeded = true }
                pending = run.succeeded()
            }
        }
        return trace
    }

    static func operation(of action: ApplyAction) -> ApplyRun.Operation? {
        switch action {
        case .lock: .lock
        case .discardChanges: .discardChanges
        case .edit: .edit
        case .validate: .validate
        case .commit: .commit
        case .readBack: .readBack
        case .confirm: .confirm
        case .cancelCommit: .cancelCommit
        case .unlock: .unlock
        case .finish: nil
        }
    }

    static func describe(_ action: ApplyAction) -> String {
        switch action {
        case .lock(let store): "lock \(store.rawValue)"
        case .discardChanges: "discard-changes"
        case .edit(let store, let rollback): "edit \(store.rawValue)" + (rollback ? " rollback-on-error" : "")
        case .validate(let store): "validate \(store.rawValue)"
        case .commit(let timeout): timeout.map { "commit confirmed \($0.components.seconds)s" } ?? "commit"
        case .readBack: "read-back"
        case .confirm: "confirm"
        case .cancelCommit: "cancel-commit"
        case .unlock(let store): "unlock \(store.rawValue)"
        case .finish(.applied): "finish applied"
        case .finish(.failed(let failure)):
            "finish failed \(failure.errorClass.rawValue) at \(failure.step) " + (failure.leftClean ? "clean" : "dirty")
        }
    }
}

let fullNXR = ApplyCapabilities(candidate: true, confirmedCommit: true, rollbackOnError: false, validate: true)
let candidateOnly = ApplyCapabilities(candidate: true, confirmedCommit: false, rollbackOnError: false, validate: false)
let runningRollback = ApplyCapabilities(
    candidate: false, confirmedCommit: false, rollbackOnError: true, validate: false)
let runningBare = ApplyCapabilities(candidate: false, confirmedCommit: false, rollbackOnError: false, validate: false)

@Suite("Apply run")
struct ApplyRunTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let capabilities: ApplyCapabilities
        let script: ApplyScript
        let trace: [String]
        var testDescription: String { "\(name): \(script.testDescription)" }
    }

    static let prefix = ["lock candidate", "discard-changes", "edit candidate", "validate candidate"]

    static let rows: [Row] = [
        // ── candidate + confirmed commit + validate ──
        Row(
            name: "confirmed", capabilities: fullNXR, script: ApplyScript(),
            trace: prefix + ["commit confirmed 60s", "read-back", "confirm", "unlock candidate", "finish applied"]),
        Row(
            name: "confirmed", capabilities: fullNXR, script: ApplyScript(failAt: .lock, failClass: .retry),
            trace: ["lock candidate", "finish failed retry at lock clean"]),
        Row(
            name: "confirmed", capabilities: fullNXR, script: ApplyScript(failAt: .discardChanges, failClass: .retry),
            trace: [
                "lock candidate", "discard-changes", "unlock candidate", "finish failed retry at discard-changes clean",
            ]),
        Row(
            name: "confirmed", capabilities: fullNXR, script: ApplyScript(failAt: .edit, failClass: .terminal),
            trace: [
                "lock candidate", "discard-changes", "edit candidate", "discard-changes", "unlock candidate",
                "finish failed terminal at edit-config clean",
            ]),
        Row(
            name: "confirmed", capabilities: fullNXR, script: ApplyScript(failAt: .validate, failClass: .terminal),
            trace: prefix + ["discard-changes", "unlock candidate", "finish failed terminal at validate clean"]),
        Row(
            name: "confirmed", capabilities: fullNXR, script: ApplyScript(failAt: .commit, failClass: .terminal),
            trace: prefix + [
                "commit confirmed 60s", "discard-changes", "unlock candidate",
                "finish failed terminal at commit clean",
            ]),
        Row(
            name: "confirmed", capabilities: fullNXR, script: ApplyScript(failAt: .readBack, failClass: .retry),
            trace: prefix + [
                "commit confirmed 60s", "read-back", "cancel-commit", "unlock candidate",
                "finish failed retry at read-back clean",
            ]),
        Row(
            name: "confirmed", capabilities: fullNXR, script: ApplyScript(mismatch: true),
            trace: prefix + [
                "commit confirmed 60s", "read-back", "cancel-commit", "unlock candidate",
                "finish failed terminal at read-back clean",
            ]),
        Row(
            name: "confirmed", capabilities: fullNXR, script: ApplyScript(failAt: .confirm, failClass: .retry),
            trace: prefix + [
                "commit confirmed 60s", "read-back", "confirm", "cancel-commit", "unlock candidate",
                "finish failed retry at confirm clean",
            ]),
        Row(
            name: "confirmed", capabilities: fullNXR, script: ApplyScript(failAt: .unlock, failClass: .retry),
            trace: prefix + ["commit confirmed 60s", "read-back", "confirm", "unlock candidate", "finish applied"]),
        // Session lost: no more RPCs at all.
        Row(
            name: "confirmed", capabilities: fullNXR, script: ApplyScript(failAt: .lock, failClass: .wait),
            trace: ["lock candidate", "finish failed wait at lock clean"]),
        Row(
            name: "confirmed", capabilities: fullNXR, script: ApplyScript(failAt: .edit, failClass: .wait),
            trace: ["lock candidate", "discard-changes", "edit candidate", "finish failed wait at edit-config clean"]),
        Row(
            name: "confirmed", capabilities: fullNXR, script: ApplyScript(failAt: .commit, failClass: .wait),
            trace: prefix + ["commit confirmed 60s", "finish failed wait at commit clean"]),
        Row(
            name: "confirmed", capabilities: fullNXR, script: ApplyScript(failAt: .readBack, failClass: .wait),
            trace: prefix + ["commit confirmed 60s", "read-back", "finish failed wait at read-back clean"]),
        Row(
            name: "confirmed", capabilities: fullNXR, script: ApplyScript(failAt: .confirm, failClass: .wait),
            trace: prefix + ["commit confirmed 60s", "read-back", "confirm", "finish failed wait at confirm clean"]),
        Row(
            name: "confirmed", capabilities: fullNXR, script: ApplyScript(failAt: .unlock, failClass: .wait),
            trace: prefix + ["commit confirmed 60s", "read-back", "confirm", "unlock candidate", "finish applied"]),
        // Cleanup failures: the rest of the cleanup still runs.
        Row(
            name: "confirmed", capabilities: fullNXR,
            script: ApplyScript(mismatch: true, cleanupFailures: [.cancelCommit]),
            trace: prefix + [
                "commit confirmed 60s", "read-back", "cancel-commit", "unlock candidate",
                "finish failed terminal at read-back clean",
            ]),
        Row(
            name: "confirmed", capabilities: fullNXR,
            script: ApplyScript(failAt: .edit, failClass: .terminal, cleanupFailures: [.discardChanges]),
            trace: [
                "lock candidate", "discard-changes", "edit candidate", "discard-changes", "unlock candidate",
                "finish failed terminal at edit-config clean",
            ]),
        Row(
            name: "confirmed", capabilities: fullNXR,
            script: ApplyScript(mismatch: true, cleanupFailures: [.cancelCommit], cleanupClass: .wait),
            trace: prefix + [
                "commit confirmed 60s", "read-back", "cancel-commit",
                "finish failed terminal at read-back clean",
            ]),

        // ── candidate, plain commit, no validate ──
        Row(
            name: "candidate", capabilities: candidateOnly, script: ApplyScript(),
            trace: [
                "lock candidate", "discard-changes", "edit candidate", "commit", "read-back", "unlock candidate",
                "finish applied",
            ]),
        Row(
            name: "candidate", capabilities: candidateOnly, script: ApplyScript(failAt: .commit, failClass: .terminal),
            trace: [
                "lock candidate", "discard-changes", "edit candidate", "commit", "discard-changes",
                "unlock candidate", "finish failed terminal at commit clean",
            ]),
        Row(
            name: "candidate", capabilities: candidateOnly, script: ApplyScript(mismatch: true),
            trace: [
                "lock candidate", "discard-changes", "edit candidate", "commit", "read-back", "unlock candidate",
                "finish failed terminal at read-back dirty",
            ]),
        Row(
            name: "candidate", capabilities: candidateOnly, script: ApplyScript(failAt: .commit, failClass: .wait),
            trace: [
                "lock candidate", "discard-changes", "edit candidate", "commit",
                "finish failed wait at commit dirty",
            ]),

        // ── running with rollback-on-error ──
        Row(
            name: "running+rollback", capabilities: runningRollback, script: ApplyScript(),
            trace: ["lock running", "edit running rollback-on-error", "read-back", "unlock running", "finish applied"]),
        Row(
            name: "running+rollback", capabilities: runningRollback,
            script: ApplyScript(failAt: .edit, failClass: .terminal),
            trace: [
                "lock running", "edit running rollback-on-error", "unlock running",
                "finish failed terminal at edit-config clean",
            ]),
        Row(
            name: "running+rollback", capabilities: runningRollback, script: ApplyScript(mismatch: true),
            trace: [
                "lock running", "edit running rollback-on-error", "read-back", "unlock running",
                "finish failed terminal at read-back dirty",
            ]),
        Row(
            name: "running+rollback", capabilities: runningRollback,
            script: ApplyScript(failAt: .edit, failClass: .wait),
            trace: ["lock running", "edit running rollback-on-error", "finish failed wait at edit-config dirty"]),

        // ── running without rollback-on-error ──
        Row(
            name: "running", capabilities: runningBare, script: ApplyScript(),
            trace: ["lock running", "edit running", "read-back", "unlock running", "finish applied"]),
        Row(
            name: "running", capabilities: runningBare, script: ApplyScript(failAt: .edit, failClass: .terminal),
            trace: ["lock running", "edit running", "unlock running", "finish failed terminal at edit-config dirty"]),
        Row(
            name: "running", capabilities: runningBare, script: ApplyScript(failAt: .readBack, failClass: .retry),
            trace: [
                "lock running", "edit running", "read-back", "unlock running",
                "finish failed retry at read-back dirty",
            ]),
        Row(
            name: "running", capabilities: runningBare, script: ApplyScript(failAt: .lock, failClass: .retry),
            trace: ["lock running", "finish failed retry at lock clean"]),
    ]

    @Test("performs exactly the RPC sequence of its path", arguments: rows)
    func sequence(row: Row) {
        let trace = row.script.run(row.capabilities)
        #expect(trace.lines == row.trace)
    }

    @Test("a lock denied by another session is a retry, and nothing is sent after the refused lock")
    func lockDenied() {
        var run = ApplyRun(capabilities: fullNXR)
        #expect(run.start() == [.lock(.candidate)])
        let actions = run.failed(ErrorClass.forRPCError(tag: "lock-denied"), "lock is already held by session 7")
        guard case .finish(.failed(let failure)) = actions.first else {
            Issue.record("expected a finish, got \(actions)")
            return
        }
        #expect(actions.count == 1)
        #expect(failure.errorClass == .retry)
        #expect(failure.step == "lock")
        #expect(failure.leftClean)
        #expect(failure.message.contains("session 7"))
    }

    @Test("the commit is confirmed with the configured timeout, in whole seconds")
    func confirmTimeout() {
        var run = ApplyRun(capabilities: fullNXR, confirmTimeout: .milliseconds(120_700))
        _ = run.start()
        _ = run.succeeded()  // lock
        _ = run.succeeded()  // discard
        _ = run.succeeded()  // edit
        #expect(run.succeeded() == [.commit(confirmTimeout: .seconds(120))])
        var tiny = ApplyRun(capabilities: fullNXR, confirmTimeout: .zero)
        #expect(tiny.confirmTimeout == .seconds(1))
        _ = tiny.start()
    }

    @Test("without rollback-on-error a failed edit of running says the change may be partial")
    func partialWarning() {
        let trace = ApplyScript(failAt: .edit, failClass: .terminal).run(runningBare)
        guard case .failed(let failure)? = trace.outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(!failure.leftClean)
        #expect(failure.message.contains("part of the change may be active"))
        #expect(failure.message.contains("rollback-on-error"))
    }

    @Test("a session lost after the confirmed commit waits and relies on the device reverting")
    func sessionLostAfterCommit() {
        let trace = ApplyScript(failAt: .readBack, failClass: .wait).run(fullNXR)
        guard case .failed(let failure)? = trace.outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.errorClass == .wait)
        #expect(failure.leftClean)
        #expect(failure.message.contains("reverts"))
    }

    @Test("a failed cancel-commit is reported with the confirm timeout after which the device reverts")
    func cancelCommitFails() {
        let trace = ApplyScript(mismatch: true, cleanupFailures: [.cancelCommit]).run(fullNXR)
        guard case .failed(let failure)? = trace.outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.message.contains("cancel-commit failed"))
        #expect(failure.message.contains("60 s"))
        #expect(failure.message.contains("differs"))
        #expect(failure.message.contains("lan0"))
    }

    @Test("an unlock refused after a verified apply keeps the outcome and notes it")
    func unlockRefused() {
        var run = ApplyRun(capabilities: runningRollback)
        _ = run.start()
        _ = run.succeeded()
        _ = run.succeeded()
        #expect(run.readBack(mismatches: []) == [.unlock(.running)])
        #expect(run.failed(.retry, "no lock held") == [.finish(.applied)])
        #expect(run.notes.count == 1)
        #expect(run.notes[0].contains("no lock held"))
    }

    @Test("results that do not fit the current step are ignored")
    func misfits() {
        var run = ApplyRun(capabilities: fullNXR)
        #expect(run.succeeded().isEmpty)
        #expect(run.failed(.retry, "x").isEmpty)
        #expect(run.start() == [.lock(.candidate)])
        #expect(run.start().isEmpty)
        #expect(run.readBack(mismatches: ["/x"]).isEmpty)
        #expect(run.current == .lock)
    }

    /// Every capability set × every failing step × every class × failing cleanups: the invariants
    /// that make "no half-applied state" hold.
    @Test("invariants hold for every path")
    func invariants() {
        var checked = 0
        for bits in 0..<16 {
            let capabilities = ApplyCapabilities(
                candidate: bits & 1 != 0, confirmedCommit: bits & 2 != 0, rollbackOnError: bits & 4 != 0,
                validate: bits & 8 != 0)
            let planned = ApplyRun(capabilities: capabilities).plannedOperations
            var scripts: [ApplyScript] = [ApplyScript(), ApplyScript(mismatch: true)]
            for operation in planned {
                for errorClass in ErrorClass.allCases {
                    scripts.append(ApplyScript(failAt: operation, failClass: errorClass))
                }
            }
            let cleanupOperations: [ApplyRun.Operation] = [.discardChanges, .cancelCommit, .unlock]
            for script in scripts where script.failAt != nil || script.mismatch {
                for cleanupClass in ErrorClass.allCases {
                    for failing in cleanupOperations {
                        var copy = script
                        copy.cleanupFailures = [failing]
                        copy.cleanupClass = cleanupClass
                        scripts.append(copy)
                    }
                }
            }
            for script in scripts {
                checkInvariants(capabilities, script)
                checked += 1
            }
        }
        #expect(checked > 500)
    }

    func checkInvariants(_ capabilities: ApplyCapabilities, _ script: ApplyScript) {
        let trace = script.run(capabilities)
        let context = "\(capabilities) \(script.testDescription): \(trace.lines)"
        guard let outcome = trace.outcome, case .finish = trace.actions.last else {
            Issue.record("the run did not finish: \(context)")
            return
        }
        #expect(trace.actions.filter { if case .finish = $0 { true } else { false } }.count == 1, "\(context)")
        let operations = trace.actions.compactMap(ApplyScript.operation(of:))
        if let lost = trace.sessionLostAt {
            // Nothing is sent after the session is gone.
            #expect(lost == trace.actions.count - 2, "RPC after session loss: \(context)")
        } else if trace.lockSucceeded {
            // Unlock is always attempted after a successful lock.
            #expect(operations.last == .unlock, "no final unlock: \(context)")
        } else {
            #expect(!operations.contains(.unlock), "unlock without a lock: \(context)")
        }
        // The change is confirmed only after a verified read-back, and applied only when all went well.
        if let confirm = operations.firstIndex(of: .confirm) {
            #expect(operations[..<confirm].contains(.readBack), "\(context)")
        }
        let expectApplied =
            (script.failAt == nil || script.failAt == .unlock) && !script.mismatch
        #expect((outcome == .applied) == expectApplied, "\(context)")
        // After a commit, nothing discards (cancel-commit is the way back); before, nothing cancels.
        if let commit = operations.firstIndex(of: .commit) {
            let failedAtCommit = script.failAt == .commit
            if !failedAtCommit { #expect(!operations[commit...].contains(.discardChanges), "\(context)") }
            #expect(!operations[..<commit].contains(.cancelCommit), "\(context)")
        }
        // Candidate + confirmed commit never leaves anything half-applied.
        if case .failed(let failure) = outcome {
            if capabilities.candidate && capabilities.confirmedCommit {
                #expect(failure.leftClean, "\(context)")
            }
            if !capabilities.candidate && !capabilities.rollbackOnError && script.failAt == .edit {
                #expect(!failure.leftClean, "\(context)")
            }
            #expect(!failure.message.isEmpty)
        }
        // Edits go to the candidate when there is one, with rollback-on-error only on running.
        for action in trace.actions {
            if case .edit(let store, let rollback) = action {
                #expect(store == (capabilities.candidate ? .candidate : .running), "\(context)")
                #expect(rollback == (!capabilities.candidate && capabilities.rollbackOnError), "\(context)")
            }
            if case .commit(let timeout) = action {
                #expect((timeout != nil) == capabilities.confirmedCommit, "\(context)")
            }
        }
    }
}

@Suite("Apply capabilities")
struct ApplyCapabilitiesTests {
    @Test("are read from the hello's capability URIs")
    func parse() {
        let nxr = ApplyCapabilities(capabilityURIs: [
            "urn:ietf:params:netconf:base:1.1",
            "urn:ietf:params:netconf:capability:candidate:1.0",
            " urn:ietf:params:netconf:capability:confirmed-commit:1.1 ",
            "urn:ietf:params:netconf:capability:rollback-on-error:1.0",
            "urn:ietf:params:netconf:capability:validate:1.1",
            "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring?module=ietf-netconf-monitoring",
        ])
        #expect(nxr == ApplyCapabilities(candidate: true, confirmedCommit: true, rollbackOnError: true, validate: true))
        #expect(nxr.appliesAtomically)

        let old = ApplyCapabilities(capabilityURIs: [
            "urn:ietf:params:netconf:capability:candidate:1.0",
            "urn:ietf:params:netconf:capability:confirmed-commit:1.0",
            "urn:ietf:params:netconf:capability:validate:1.0?x=y",
        ])
        #expect(
            old == ApplyCapabilities(candidate: true, confirmedCommit: true, rollbackOnError: false, validate: true))

        let bare = ApplyCapabilities(capabilityURIs: [
            "urn:ietf:params:netconf:base:1.0", "urn:ietf:params:netconf:capability:writable-running:1.0",
            "urn:ietf:params:netconf:capability:candidate:2.0",
            "urn:ietf:params:netconf:capability:confirmed-commit",
        ])
        #expect(
            bare == ApplyCapabilities(candidate: false, confirmedCommit: false, rollbackOnError: false, validate: false)
        )
        #expect(!bare.appliesAtomically)
    }
}
