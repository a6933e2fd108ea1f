/// One finished reconcile run of a device, kept in its short history.
public struct ReconcileRecord: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Hashable, Codable, CaseIterable {
        /// Changes were applied and verified by read-back.
        case applied
        /// The device already matched the desired state.
        case noChanges = "no-changes"
        /// The run failed; `message` says why. Nothing stays half-applied (confirmed commit / rollback).
        case failed
        /// Drift was detected (and corrected unless the tenant reports only).
        case drifted
    }

    public var started: Timestamp
    public var finished: Timestamp
    public var revision: String?
    public var outcome: Outcome
    /// Parts that changed (e.g. `baseline`, `ipsec`), empty when none.
    public var parts: [String]
    public var message: String

    public init(
        started: Timestamp, finished: Timestamp, revision: String?, outcome: Outcome, parts: [String] = [],
        message: String = ""
    ) {
        self.started = started
        self.finished = finished
        self.revision = revision
        self.outcome = outcome
        self.parts = parts
        self.message = message
    }
}
