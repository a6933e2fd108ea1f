import CMSModel

/// Records an apply so that every `gitops.apply.started` has exactly one outcome — `succeeded`, `failed` or
/// `interrupted` — whatever instant the process dies at (docs/security.md "Crash safety of applies").
///
/// The intent lives in the state store and the events in the event log: two SQLite files, so no single
/// transaction spans both. The order makes it safe instead: the intent opens before the started event, the outcome
/// event is durable before the intent closes, and every one of these events carries the intent's id (detail
/// `intent`). An intent still open at start either has its outcome in the log already (the process died between
/// the two writes: nothing to add) or has none (died mid-apply: ``recoverInterrupted(tenant:now:)`` appends
/// `gitops.apply.interrupted`). Matching by id, not by device and revision, keeps this exact when the same device
/// and revision are applied twice.
public struct ApplyRecorder: Sendable {
    /// The detail key carrying the intent id on started and outcome events.
    public static let intentKey = "intent"
    /// The event types that end an apply.
    public static let outcomeTypes: Set<EventType> = [.gitApplySucceeded, .gitApplyFailed, .gitApplyInterrupted]

    public let events: any EventStore
    public let state: any StateStore

    public init(events: any EventStore, state: any StateStore) {
        self.events = events
        self.state = state
    }

    /// Opens the intent, then appends `started` (tagged with the intent id). Returns the id. When the event cannot be
    /// written the intent is closed again (nothing was sent to the device) and the error rethrown.
    public func begin(_ intent: ApplyIntent, started: Event) async throws -> Int64 {
        let id = try await state.beginApply(intent)
        do {
            try await events.append([Self.tagged(started, id)])
        } catch {
            try? await state.endApply(id)
            throw error
        }
        return id
    }

    /// Appends the outcome (tagged with the intent id) and, once it is on disk, closes the intent when `close` (a
    /// failure that may have left part of the change active keeps it open, so the device is reconciled again).
    public func finish(_ id: Int64, outcome: Event, close: Bool) async throws {
        try await events.append([Self.tagged(outcome, id)])
        if close { try await state.endApply(id) }
    }

    /// At start: gives every open intent of `tenant` that has no outcome in the log an explicit
    /// `gitops.apply.interrupted`, and returns all of the tenant's open intents (their devices are reconciled again;
    /// the intents close after a clean run). An intent whose started event never made it to the log gets no outcome:
    /// nothing was sent to the device for it.
    @discardableResult
    public func recoverInterrupted(tenant: String, now: Timestamp) async throws -> [ApplyIntent] {
        let open = try await state.openApplies().filter { $0.tenant == tenant }
        var interrupted: [Event] = []
        for intent in open {
            guard let id = intent.id else { continue }
            let tag = String(id)
            let related = try await events.search(
                EventQuery(
                    tenant: tenant, from: intent.started, device: intent.device, order: .ascending,
                    limit: EventQuery.maximumLimit)
            ).filter { $0.details[Self.intentKey] == tag }
            let started = related.first { $0.type == .gitApplyStarted }
            guard let started, !related.contains(where: { Self.outcomeTypes.contains($0.type) }) else { continue }
            interrupted.append(
                Self.tagged(
                    Event(
                        time: now, tenant: tenant, type: .gitApplyInterrupted, device: intent.device,
                        user: started.user, revision: intent.revision, details: ["started": started.time.iso8601]),
                    id))
        }
        if !interrupted.isEmpty { try await events.append(interrupted) }
        return open
    }

    static func tagged(_ event: Event, _ id: Int64) -> Event {
        var copy = event
        copy.details[intentKey] = String(id)
        return copy
    }
}
