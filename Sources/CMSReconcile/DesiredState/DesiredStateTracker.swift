import CMSModel
import CMSSchema

/// The policy of what is in force for one tenant (pure: time comes in as a value).
///
/// Like Flux, it remembers the last *applied* revision (the one in force, always lint-clean) and the last
/// *attempted* one (the newest commit seen, good or not). A revision with lint errors is never applied: the last
/// good one stays, and the failure is reported once, with the commit author as the event's user.
public struct DesiredStateTracker: Sendable, Equatable {
    public let tenant: String
    /// The revision in force; nil until a clean revision has been seen.
    public private(set) var lastApplied: Revision?
    /// The newest revision loaded, whether it was applied or rejected.
    public private(set) var lastAttempted: Revision?
    /// The last fetch error, until the next successful fetch.
    public private(set) var lastFetchError: String?

    /// A tracker that resumes with `lastApplied` in force (e.g. read back from the store after a restart).
    public init(tenant: String, lastApplied: Revision? = nil) {
        self.tenant = tenant
        self.lastApplied = lastApplied
        self.lastAttempted = lastApplied
    }

    /// Commit id of the revision in force (Flux's `lastAppliedRevision`).
    public var lastAppliedRevision: String? { lastApplied?.commit }
    /// Commit id of the newest revision loaded (Flux's `lastAttemptedRevision`).
    public var lastAttemptedRevision: String? { lastAttempted?.commit }

    /// Whether `commit` (the branch tip just fetched) still has to be loaded; a cheap check before ``observe``.
    public func needsLoad(_ commit: String) -> Bool { commit != lastAttempted?.commit }

    /// Decides what to do with a freshly loaded revision and records it.
    public mutating func observe(_ revision: Revision, at time: Timestamp) -> DesiredStateUpdate {
        lastFetchError = nil
        if revision.commit == lastAttempted?.commit {
            return DesiredStateUpdate(decision: .unchanged(commit: revision.commit), events: [])
        }
        lastAttempted = revision
        var events = [
            Event(
                time: time, tenant: tenant, type: .gitRevisionFetched, user: revision.user,
                revision: revision.commit,
                details: [
                    "author": revision.user, "errors": String(revision.errorCount),
                    "warnings": String(revision.warningCount),
                ])
        ]
        if revision.isApplicable {
            lastApplied = revision
            return DesiredStateUpdate(decision: .apply(revision), events: events)
        }
        var details = [
            "errors": String(revision.errorCount), "warnings": String(revision.warningCount),
            "author": revision.user,
        ]
        if let first = revision.diagnostics.first(where: { $0.severity == .error }) {
            details["first"] = "\(first.file):\(first.line): \(first.message) [\(first.ruleID)]"
        }
        if let inForce = lastApplied {
            details["inForce"] = inForce.commit
            events.append(
                Event(
                    time: time, tenant: tenant, type: .gitLintFailed, user: revision.user, revision: revision.commit,
                    details: details))
            return DesiredStateUpdate(decision: .keepLastGood(rejected: revision, inForce: inForce), events: events)
        }
        events.append(
            Event(
                time: time, tenant: tenant, type: .gitLintFailed, user: revision.user, revision: revision.commit,
                message: "Revision \(revision.commit) rejected by lint (\(revision.errorCount) errors); "
                    + "no revision is in force yet, nothing is applied",
                details: details))
        return DesiredStateUpdate(decision: .nothingInForce(rejected: revision), events: events)
    }

    /// Records a failed fetch or load. The event is emitted when the failure starts or its message changes, not on
    /// every retry of the same failure.
    public mutating func fetchFailed(_ error: String, at time: Timestamp) -> DesiredStateUpdate {
        let repeated = lastFetchError == error
        lastFetchError = error
        let events =
            repeated
            ? [] : [Event(time: time, tenant: tenant, type: .gitFetchFailed, details: ["error": error])]
        return DesiredStateUpdate(decision: .fetchFailed(error: error), events: events)
    }
}
