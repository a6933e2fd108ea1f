import CMSAPI
import CMSDashboard
import Hummingbird
import Logging

extension APIServer {
    /// The web dashboard at `/` (docs/dashboard.md): it logs in with the same tokens as the API.
    static func registerDashboard(
        on router: Router<BasicRequestContext>, controlPlane: any ControlPlane, authenticator: TokenAuthenticator,
        logger: Logger
    ) {
        do {
            let dashboard = try Dashboard(controlPlane: controlPlane) { token in
                guard let grant = try? authenticator.grant(authorization: "Bearer " + token) else { return nil }
                return DashboardUser(name: grant.name, tenants: grant.tenants, readOnly: grant.readOnly)
            }
            dashboard.register(on: router)
        } catch {
            logger.error("the dashboard is not served", metadata: ["error": "\(error)"])
        }
    }
}
