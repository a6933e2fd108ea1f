import CMSAPI
import CMSModel
import Foundation
import Testing

/// `POST …/mail/test` and `GET …/mail/queue` over real HTTP, with the same token rules as every tenant route.
@Suite struct MailRouteTests {
    @Test func aTestMailAnswersEachAttemptWithItsDialogueAndTheAPIUser() async throws {
        try await TestServer.with { server in
            let response = try await server.request("POST", "/api/v1/tenants/acme/mail/test", token: Tokens.acme)
            #expect(response.status == 200)
            let result = try response.decode(MailTestResult.self)
            #expect(result.sent)
            #expect(result.attempts.first?.dialogue.contains("C: <credentials>") == true)
            #expect(result.attempts.first?.message == "sent for acme-ci", "the API user reaches the control plane")
        }
    }

    @Test func anUnknownServerIs404AndABadNameIs400() async throws {
        try await TestServer.with { server in
            let unknown = try await server.request(
                "POST", "/api/v1/tenants/acme/mail/test?server=backup", token: Tokens.acme)
            #expect(unknown.status == 404)
            #expect(try unknown.apiError().code == "server-not-found")
            let empty = try await server.request("POST", "/api/v1/tenants/acme/mail/test?server=", token: Tokens.acme)
            #expect(empty.status == 400)
            let extra = try await server.request("POST", "/api/v1/tenants/acme/mail/test?srv=x", token: Tokens.acme)
            #expect(extra.status == 400)
        }
    }

    @Test func theQueueNeedsATokenForTheTenant() async throws {
        try await TestServer.with { server in
            #expect(try await server.request("/api/v1/tenants/acme/mail/queue").status == 401)
            #expect(try await server.request("/api/v1/tenants/acme/mail/queue", token: Tokens.globex).status == 403)
            let response = try await server.request("/api/v1/tenants/acme/mail/queue", token: Tokens.acme)
            #expect(response.status == 200)
            let queue = try response.decode(MailQueueStatus.self)
            #expect(queue.pending.first?.attempts == 2)
            #expect(queue.pending.first?.subject == "[CMS] 監視")
        }
    }
}
