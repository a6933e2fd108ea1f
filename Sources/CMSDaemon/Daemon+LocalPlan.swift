import CMSAPI
import CMSReconcile
import CMSModel
import Foundation
import TenantSource

extension Daemon: LocalPlanControl {
    public func planLocal(_ tenant: String, tree: LocalTree, native: Bool, user: String?) async throws(APIError)
        -> TenantPlan
    {
        guard let controller = controllers[tenant] else { throw APIError.notFound("tenant", tenant) }
        return try await controller.planLocal(tree, native: native)
    }
}

extension TenantController {
    /// `cms plan --local`: the tree linted as a revision (commit `local`), planned against live state. Nothing is
    /// applied; the `git.plan.computed` event records it like any plan.
    func planLocal(_ tree: LocalTree, native: Bool) async throws(APIError) -> TenantPlan {
        let revision: Revision
        do {
            revision = try await LocalRevision.load(tree.files, now: now())
        } catch {
            throw APIError.badRequest("the local tree cannot be read: \(error)")
        }
        return await plan(of: revision, native: native)
    }
}
