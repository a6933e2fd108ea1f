import CMSAPI
import Hummingbird

extension APIServer {
    /// Every route the API registers on its Hummingbird router, as `METHOD /path/{parameter}` (the template form
    /// of schemas/openapi.yaml), sorted — read back from the router itself (`Router.routes`), so the contract test
    /// compares the document with what is served, not with a second hand-kept list. `controlPlane` is only held
    /// by the handlers, never asked.
    public static func routeTable(controlPlane: any ControlPlane) -> [String] {
        let router = Router(context: BasicRequestContext.self)
        APIHandlers(controlPlane: controlPlane, authenticator: TokenAuthenticator(tokens: [:])).register(on: router)
        return router.routes.map { "\($0.method.rawValue) \($0.path.description)" }.sorted()
    }
}
