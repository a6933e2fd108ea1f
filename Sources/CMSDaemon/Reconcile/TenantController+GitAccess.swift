import CMSModel
import GitSource
import TenantSource

/// A private repository's refusals (issue 17): a fetch refused for its credentials, host key or certificate stalls
/// the tenant with that reason (``TenantController/status()``) and its `gitops.fetch.failed` event carries it.
extension TenantController {
    /// The access failure inside a fetch error, if that is what it was.
    static func accessFailure(_ error: any Error) -> GitAccessFailure? {
        guard case .fetch(_, .accessDenied(_, let failure))? = error as? TenantSourceError else { return nil }
        return failure
    }

    /// The fetch-failed events with the failure's reason as a `reason` detail (what to filter on).
    static func annotated(_ events: [Event], _ failure: GitAccessFailure?) -> [Event] {
        guard let failure else { return events }
        return events.map { event in
            var event = event
            if event.type == .gitFetchFailed { event.details["reason"] = failure.reason.rawValue }
            return event
        }
    }
}
