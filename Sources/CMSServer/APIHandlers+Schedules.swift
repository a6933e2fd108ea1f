import CMSAPI
import Hummingbird

extension APIHandlers {
    /// `GET /api/v1/tenants/T/schedules?next=N` (docs/api.md, docs/schedules.md).
    func registerSchedules(on router: Router<Context>) {
        router.get("\(CMSServerInfo.apiPrefix)/tenants/:tenant/schedules") { request, context in
            let scope = try await scope(request, context, allowed: ["next"])
            let next = try scope.query.integer("next", in: 1...100) ?? 3
            guard let control = controlPlane as? any ScheduleControl else {
                throw APIError(
                    status: 501, code: "not-implemented", message: "this control plane has no scheduler")
            }
            return APIResponses.json(try await control.schedules(scope.tenant, next: next))
        }
    }
}
