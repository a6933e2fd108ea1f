import CMSModel

/// What the reconciler does after a fetch, as decided by ``DesiredStateTracker``.
public enum DesiredStateDecision: Sendable, Equatable {
    /// A new revision without errors (warnings allowed): put it in force.
    case apply(Revision)
    /// A new revision with lint errors: it is not applied; `inForce` stays.
    case keepLastGood(rejected: Revision, inForce: Revision)
    /// The first revision ever seen is broken: nothing is in force, nothing is applied.
    case nothingInForce(rejected: Revision)
    /// The branch still points at the last attempted commit.
    case unchanged(commit: String)
    /// The repository could not be fetched or read; whatever was in force stays.
    case fetchFailed(error: String)
}

/// A decision and the events it causes, in order.
public struct DesiredStateUpdate: Sendable, Equatable {
    public var decision: DesiredStateDecision
    public var events: [Event]

    public init(decision: DesiredStateDecision, events: [Event]) {
        self.decision = decision
        self.events = events
    }
}
