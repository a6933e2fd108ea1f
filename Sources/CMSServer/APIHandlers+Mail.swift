import CMSAPI
import Hummingbird

/// Mail routes (docs/mail.md): `POST …/mail/test[?server=NAME]`, `GET …/mail/queue`. 501 when the control plane
/// sends no mail.
extension APIHandlers {
    func registerMail(on router: Router<Context>) {
        let prefix = CMSServerInfo.apiPrefix
        router.post("\(prefix)/tenants/:tenant/mail/test") { request, context in
            let scope = try await scope(request, context, allowed: ["server"])
            let server = try scope.query.single("server")
            if let server, server.isEmpty || server.count > 32 {
                throw APIError.badQuery("server: give a server name of mail.yaml (1 to 32 characters)")
            }
            let result = try await mailControl().mailTest(scope.tenant, server: server, user: scope.grant.name)
            return APIResponses.json(result)
        }
        router.get("\(prefix)/tenants/:tenant/mail/queue") { request, context in
            let scope = try await scope(request, context, allowed: [])
            return APIResponses.json(try await mailControl().mailQueue(scope.tenant))
        }
    }

    private func mailControl() throws(APIError) -> any MailControl {
        guard let control = controlPlane as? any MailControl else {
            throw APIError(status: 501, code: "not-implemented", message: "this server does not send mail")
        }
        return control
    }
}
