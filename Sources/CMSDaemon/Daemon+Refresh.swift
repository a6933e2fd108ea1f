import CMSAPI
import CMSModel

extension Daemon: RefreshControl {
    /// Fetches now and records who asked and what came of it (`gitops.refresh.requested`): a refresh that finds
    /// nothing new leaves no other event, so without this one a user's request would leave no trace.
    public func refresh(_ tenant: String, user: String) async throws(APIError) -> RefreshResult {
        guard let controller = controllers[tenant] else { throw APIError.notFound("tenant", tenant) }
        let outcome = await controller.refresh()
        var details: [String: String] = [:]
        if let error = outcome.error {
            details["outcome"] = "failed"
            details["error"] = error
        } else if let revision = outcome.revision {
            details["outcome"] = outcome.isNew ? "new revision \(revision.prefix(10))" : "nothing new"
        }
        do {
            _ = try await events.append([
                Event(
                    time: environment.now(), tenant: tenant, type: .gitRefreshRequested, user: user,
                    revision: outcome.revision, details: details)
            ])
        } catch {
            logger.error("cannot record a refresh request", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
        }
        // As ControlPlane.refresh: a tip that was fetched but did not load is answered (the tenant's status says why).
        guard let revision = outcome.revision else {
            throw APIError(
                status: 502, code: "fetch-failed", message: "fetching the repository failed: \(outcome.error ?? "unknown")")
        }
        return RefreshResult(revision: revision, isNew: outcome.isNew)
    }
}
