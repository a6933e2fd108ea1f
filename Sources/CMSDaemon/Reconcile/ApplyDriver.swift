import CMSPlan
import CMSReconcile
import NETCONF
import NETCONFClient

/// Performs an ``ApplyRun``'s RPC actions over one NETCONF session: the only place where the pure apply state
/// machine meets the wire. Verification re-reads the parts with the same filter and asks every part again:
/// verified means no part reports a change.
struct ApplyDriver: Sendable {
    let session: any DeviceSession
    let parts: [any ManagedPart]
    let changes: DeviceChangeSet
    let confirmTimeout: Duration
    /// The managed parts of running as read when the change was planned: a commit copies the whole candidate
    /// over running, so running must still be what the plan was made from, or a change made meanwhile by
    /// another session (the console) would be overwritten without anyone noticing it.
    let planned: [XMLElement]

    /// Runs the whole apply and returns its outcome; never throws (every failure is an ``ApplyFailure``).
    func run() async -> (outcome: ApplyOutcome, notes: [String]) {
        var run = ApplyRun(
            capabilities: ApplyCapabilities(capabilityURIs: session.capabilities), confirmTimeout: confirmTimeout)
        var actions = run.start()
        while let action = actions.first {
            actions.removeFirst()
            if case .finish(let outcome) = action { return (outcome, run.notes) }
            do {
                switch action {
                case .readBack:
                    let observed = try await Self.read(session, filter: DevicePlanner.readFilter(parts))
                    let remaining = DevicePlanner.plan(device: changes.device, parts: parts, observed: observed)
                    actions = run.readBack(mismatches: remaining.changes.flatMap { $0.summary.isEmpty ? [$0.part] : $0.summary })
                case .commit:
                    try await ensureRunningUnchanged()
                    try await perform(action)
                    actions = run.succeeded()
                default:
                    try await perform(action)
                    actions = run.succeeded()
                }
            } catch let stale as RunningChanged {
                actions = run.failed(.retry, stale.message)
            } catch {
                let (errorClass, message) = ErrorClassifier.classify(error)
                actions = run.failed(errorClass, message)
            }
        }
        return (run.outcome ?? .failed(ApplyFailure(errorClass: .retry, step: "apply", message: "the apply run stopped", leftClean: true)), run.notes)
    }

    private func perform(_ action: ApplyAction) async throws {
        switch action {
        case .lock(let store): try await session.lock(Self.netconf(store))
        case .unlock(let store): try await session.unlock(Self.netconf(store))
        case .discardChanges: try await session.discardChanges()
        case .edit(let store, let rollbackOnError):
            let config = XMLElement("config", namespace: NETCONFNamespace.base, elements: changes.edit)
            try await session.editConfig(
                target: Self.netconf(store), config: config, defaultOperation: .merge,
                errorOption: rollbackOnError ? .rollbackOnError : nil)
        case .validate(let store): try await session.validate(source: Self.netconf(store))
        case .commit(let timeout):
            if let timeout {
                try await session.commit(confirmed: true, timeout: Int(max(timeout.components.seconds, 1)))
            } else {
                try await session.commit()
            }
        case .confirm: try await session.commit()
        case .cancelCommit: try await session.cancelCommit()
        case .readBack, .finish: break
        }
    }

    /// Running changed since the plan was made (by another session or at the console).
    struct RunningChanged: Error {
        let message: String
    }

    /// Re-reads the managed parts of running just before the commit; throws ``RunningChanged`` when they are
    /// no longer what the plan was made from. The run then fails as `retry` (the candidate is discarded, nothing
    /// is committed) and the next run plans from what the device has now — at the same revision that is drift,
    /// reported with its `gitops.drift.detected` event.
    private func ensureRunningUnchanged() async throws {
        let now = try await Self.read(session, filter: DevicePlanner.readFilter(parts))
        guard now == planned else {
            throw RunningChanged(
                message:
                    "running changed on the device while the apply was prepared (another session or the console); "
                    + "nothing was committed, the device is planned again")
        }
    }

    static func netconf(_ store: CMSReconcile.Datastore) -> NETCONF.Datastore {
        switch store {
        case .running: .running
        case .candidate: .candidate
        }
    }

    /// `<get-config>` of running with a subtree filter of several top-level elements; returns `<data>`'s children.
    static func read(_ session: any DeviceSession, filter: [XMLElement]) async throws -> [XMLElement] {
        var operation = Operation.getConfig(source: .running)
        if !filter.isEmpty {
            operation.children.append(
                .element(
                    XMLElement(
                        "filter", namespace: NETCONFNamespace.base,
                        attributes: [XMLAttribute(name: "type", value: "subtree")], elements: filter)))
        }
        let reply = try await session.rpc(operation, timeout: nil)
        return reply.data?.elements ?? []
    }
}
