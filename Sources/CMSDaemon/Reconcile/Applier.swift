import CMSModel
import CMSPlan
import CMSReconcile
import Foundation
import NETCONFClient

/// What one reconcile run is asked to do for one device.
public struct DeviceRunRequest: Sendable {
    public var tenant: String
    public var device: String
    /// The revision in force.
    public var revision: String
    /// The commit author (or API user) for the events.
    public var user: String?
    /// The device's managed parts at that revision; nil with `partsError` when they could not be built.
    public var parts: [any ManagedPart]
    public var partsError: String?
    /// The revision the device was last verified at; a difference found while it still equals `revision` is drift.
    public var lastAppliedRevision: String?
    public var drift: Tenant.DriftPolicy
    /// Parts whose desired state moved at the same revision (IPsec after a peer's address change): their changes
    /// are the desired state following the world, not drift.
    public var movedParts: Set<String>

    public init(
        tenant: String, device: String, revision: String, user: String?, parts: [any ManagedPart],
        partsError: String? = nil, lastAppliedRevision: String?, drift: Tenant.DriftPolicy, movedParts: Set<String> = []
    ) {
        self.movedParts = movedParts
        self.tenant = tenant
        self.device = device
        self.revision = revision
        self.user = user
        self.parts = parts
        self.partsError = partsError
        self.lastAppliedRevision = lastAppliedRevision
        self.drift = drift
    }
}

/// How one run ended.
public struct DeviceRunResult: Sendable, Hashable {
    public var record: ReconcileRecord
    /// nil when the run succeeded (applied, nothing to do, drift reported).
    public var errorClass: ErrorClass?
    /// A difference from a revision the device was already verified at.
    public var drifted: Bool
    /// False when a failure may have left part of the change active.
    public var leftClean: Bool
}

/// One reconcile run for one device (DESIGN §3): read the managed parts of running → plan → nothing? done :
/// apply with ``ApplyRun`` (lock, candidate edit, confirmed commit, read back and verify, confirm, unlock) →
/// events. An apply is bracketed by a durable intent in the ``StateStore``, so a `kill -9` in the middle is found
/// on the next start and the device reconciled again.
public struct Applier: Sendable {
    public let events: any EventStore
    public let state: any StateStore
    public let confirmTimeout: Duration
    public let now: @Sendable () -> Timestamp

    public init(
        events: any EventStore, state: any StateStore, confirmTimeout: Duration = .seconds(60),
        now: @escaping @Sendable () -> Timestamp = DeviceContext.wallClock
    ) {
        self.events = events
        self.state = state
        self.confirmTimeout = confirmTimeout
        self.now = now
    }

    private enum Phase: Sendable {
        case noChanges
        case driftReported([String], [String])
        case applied(
            intent: Int64, parts: [String], summary: [String], outcome: ApplyOutcome, notes: [String], drifted: Bool)
        /// The intent was open but recording the start failed before anything was sent to the device.
        case notStarted(intent: Int64, message: String)
    }

    /// Runs once; never throws: every failure becomes a classified record.
    public func run(_ request: DeviceRunRequest, agent: DeviceAgent) async -> DeviceRunResult {
        let started = now()
        if let problem = request.partsError {
            return await failure(
                request, started: started, errorClass: .terminal, step: "plan",
                message: "\(problem); fix the repository", leftClean: true)
        }
        if request.parts.isEmpty {
            return DeviceRunResult(
                record: ReconcileRecord(
                    started: started, finished: now(), revision: request.revision, outcome: .noChanges,
                    message: "no managed parts"),
                errorClass: nil, drifted: false, leftClean: true)
        }
        let (parts, confirmTimeout, events, now) = (request.parts, self.confirmTimeout, events, now)
        let recorder = ApplyRecorder(events: events, state: state)
        let phase: Phase
        do {
            phase = try await agent.withSession { session -> Phase in
                let observed = try await ApplyDriver.read(session, filter: DevicePlanner.readFilter(parts))
                let changes = DevicePlanner.plan(device: request.device, parts: parts, observed: observed)
                if changes.isEmpty { return .noChanges }
                let summary = changes.changes.flatMap { $0.summary }
                let decision = RunDecision.decide(
                    changedParts: changes.parts, revision: request.revision,
                    lastAppliedRevision: request.lastAppliedRevision, movedParts: request.movedParts,
                    drift: request.drift)
                let drifted = decision == .reportDrift || decision == .apply(drifted: true)
                if drifted {
                    try await events.append([
                        Event(
                            time: now(), tenant: request.tenant, type: .gitDriftDetected, device: request.device,
                            revision: request.revision,
                            details: ["parts": changes.parts.joined(separator: ","), "changes": Self.clip(summary)])
                    ])
                    if decision == .reportDrift { return .driftReported(changes.parts, summary) }
                }
                let started = now()
                let intent = try await recorder.begin(
                    ApplyIntent(tenant: request.tenant, device: request.device, revision: request.revision, started: started),
                    started: Event(
                        time: started, tenant: request.tenant, type: .gitApplyStarted, device: request.device,
                        user: request.user, revision: request.revision,
                        details: ["parts": changes.parts.joined(separator: ","), "changes": Self.clip(summary)]))
                let ipsecKinds = IPsecEvents.kinds(changes)
                do {
                    try await events.append(
                        IPsecEvents.events(
                            ipsecKinds, started: true, time: now(), tenant: request.tenant, device: request.device,
                            user: request.user, revision: request.revision))
                } catch {
                    return .notStarted(intent: intent, message: "the event log refused the apply's start: \(error)")
                }
                let (outcome, notes) = await ApplyDriver(
                    session: session, parts: parts, changes: changes, confirmTimeout: confirmTimeout, planned: observed
                ).run()
                if case .applied = outcome {
                    _ = try? await events.append(
                        IPsecEvents.events(
                            ipsecKinds, started: false, time: now(), tenant: request.tenant, device: request.device,
                            user: request.user, revision: request.revision))
                }
                // The outcome is recorded (and the intent closed) below, once, after the session is released.
                return .applied(
                    intent: intent, parts: changes.parts, summary: summary, outcome: outcome, notes: notes,
                    drifted: drifted)
            }
        } catch {
            let (errorClass, message) = ErrorClassifier.classify(error)
            return await failure(
                request, started: started, errorClass: errorClass, step: "read", message: message, leftClean: true)
        }
        switch phase {
        case .noChanges:
            return DeviceRunResult(
                record: ReconcileRecord(
                    started: started, finished: now(), revision: request.revision, outcome: .noChanges,
                    message: "the device matches revision \(request.revision.prefix(12))"),
                errorClass: nil, drifted: false, leftClean: true)
        case .driftReported(let parts, let summary):
            return DeviceRunResult(
                record: ReconcileRecord(
                    started: started, finished: now(), revision: request.revision, outcome: .drifted, parts: parts,
                    message: "drift reported, not corrected (drift: report-only): " + Self.clip(summary)),
                errorClass: nil, drifted: true, leftClean: true)
        case .notStarted(let intent, let message):
            return await self.failure(
                request, started: started, errorClass: .retry, step: "record", message: message, leftClean: true,
                intent: intent)
        case .applied(let intent, let parts, let summary, let outcome, let notes, let drifted):
            switch outcome {
            case .applied:
                var details = ["parts": parts.joined(separator: ","), "changes": Self.clip(summary)]
                if !notes.isEmpty { details["notes"] = notes.joined(separator: "; ") }
                // Outcome first, then the intent closes: a crash in between leaves an open intent whose outcome is
                // already in the log, and the restart adds nothing (ApplyRecorder).
                _ = try? await recorder.finish(
                    intent,
                    outcome: Event(
                        time: now(), tenant: request.tenant, type: .gitApplySucceeded, device: request.device,
                        user: request.user, revision: request.revision, details: details),
                    close: true)
                return DeviceRunResult(
                    record: ReconcileRecord(
                        started: started, finished: now(), revision: request.revision,
                        outcome: drifted ? .drifted : .applied, parts: parts,
                        message: (drifted ? "drift corrected: " : "applied and verified: ") + Self.clip(summary)),
                    errorClass: nil, drifted: drifted, leftClean: true)
            case .failed(let failure):
                return await self.failure(
                    request, started: started, errorClass: failure.errorClass, step: failure.step,
                    message: failure.message, leftClean: failure.leftClean, parts: parts, intent: intent)
            }
        }
    }

    private func failure(
        _ request: DeviceRunRequest, started: Timestamp, errorClass: ErrorClass, step: String, message: String,
        leftClean: Bool, parts: [String] = [], intent: Int64? = nil
    ) async -> DeviceRunResult {
        let event = Event(
            time: now(), tenant: request.tenant, type: .gitApplyFailed, device: request.device,
            user: request.user, revision: request.revision,
            details: ["error": message, "step": step, "class": errorClass.rawValue])
        if let intent {
            // A failure that may have left part of the change active keeps the intent open, so that a restart (or
            // the next run) reconciles the device again.
            _ = try? await ApplyRecorder(events: events, state: state).finish(intent, outcome: event, close: leftClean)
        } else if errorClass != .wait || step != "read" {
            await append(event)
        }
        return DeviceRunResult(
            record: ReconcileRecord(
                started: started, finished: now(), revision: request.revision, outcome: .failed, parts: parts,
                message: "\(step): \(message)"),
            errorClass: errorClass, drifted: false, leftClean: leftClean)
    }

    private func append(_ event: Event) async {
        _ = try? await events.append([event])
    }

    static func clip(_ lines: [String]) -> String {
        let shown = lines.prefix(10).joined(separator: "; ")
        return lines.count > 10 ? shown + "; … (\(lines.count - 10) more)" : shown
    }
}
