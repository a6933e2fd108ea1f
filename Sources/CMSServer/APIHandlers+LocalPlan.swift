import CMSAPI
import Foundation
import Hummingbird

extension APIHandlers {
    /// `POST /api/v1/tenants/T/plan/local?native=true` with a ``LocalTree`` body (docs/api.md): `cms plan --local`.
    func registerLocalPlan(on router: Router<Context>) {
        router.post("\(CMSServerInfo.apiPrefix)/tenants/:tenant/plan/local") { request, context in
            let scope = try await scope(request, context, allowed: ["native"])
            let native = try scope.query.bool("native") ?? false
            guard let control = controlPlane as? any LocalPlanControl else {
                throw APIError(status: 501, code: "not-implemented", message: "this control plane cannot plan a local tree")
            }
            let data: ByteBuffer
            do {
                data = try await request.body.collect(upTo: LocalTree.maximumBodyBytes)
            } catch {
                throw APIError.badRequest(
                    "the body must be a JSON tree of at most \(LocalTree.maximumBodyBytes >> 20) MiB; "
                        + "plan a smaller tenant folder (firmware images need not be sent)")
            }
            let tree: LocalTree
            do {
                tree = try JSONDecoder().decode(LocalTree.self, from: Data(data.readableBytesView))
            } catch {
                throw APIError.badRequest("the body is not a tree of files: \(error)")
            }
            return APIResponses.json(
                try await control.planLocal(scope.tenant, tree: tree, native: native, user: scope.grant.name))
        }
    }
}
