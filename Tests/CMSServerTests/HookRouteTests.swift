import CMSAPI
import CMSHooks
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `POST /hooks/{tenant}` over real HTTP on loopback, with deliveries signed the way each forge signs them.
@Suite("Webhook route")
struct HookRouteTests {
    static let sha = "0123456789abcdef0123456789abcdef01234567"

    static func push(_ ref: String) -> Data {
        Data(#"{"ref":"\#(ref)","after":"\#(sha)","pusher":{"name":"alice"}}"#.utf8)
    }

    static func signed(_ body: Data, secret: String = FakeControlPlane.hookSecret) -> String {
        "sha256=" + WebhookSignature.sign(Array(body), secret: Array(secret.utf8))
    }

    /// A real POST with a body.
    static func post(_ server: TestServer, _ path: String, body: Data, headers: [String: String]) async throws
        -> HTTPResult
    {
        var request = URLRequest(url: URL(string: server.base + path)!, timeoutInterval: 30)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return HTTPResult(status: http.statusCode, headers: [:], body: data)
    }

    @Test func aSignedPushToTheBranchStartsARefreshAndIsReported() async throws {
        try await TestServer.with { server in
            let body = Self.push("refs/heads/main")
            let result = try await Self.post(
                server, "/hooks/acme", body: body,
                headers: ["X-GitHub-Event": "push", "X-Hub-Signature-256": Self.signed(body), "X-GitHub-Delivery": "abc"])
            #expect(result.status == 202)
            let answer = try result.decode(WebhookAnswer.self)
            #expect(answer.outcome == .refresh)
            let reports = await server.fake.webhookReports
            #expect(reports.count == 1)
            #expect(reports.first?.tenant == "acme")
            #expect(reports.first?.report.outcome == .refresh)
            #expect(reports.first?.report.after == Self.sha)
            #expect(reports.first?.report.pusher == "alice")
            #expect(reports.first?.report.delivery == "abc")
        }
    }

    @Test func aWrongSignatureIs401AndReportedAsRejected() async throws {
        try await TestServer.with { server in
            let body = Self.push("refs/heads/main")
            let result = try await Self.post(
                server, "/hooks/acme", body: body,
                headers: ["X-GitHub-Event": "push", "X-Hub-Signature-256": Self.signed(body, secret: "guess")])
            #expect(result.status == 401)
            #expect(try result.apiError().code == "bad-signature")
            let reports = await server.fake.webhookReports
            #expect(reports.map(\.report.outcome) == [.rejected])
            #expect(reports.first?.report.status == 401)
            #expect(reports.first?.report.forge == "github")
            // Nothing of an unauthenticated body is believed: no ref, no commit in the report.
            #expect(reports.first?.report.ref == nil)
            #expect(!server.logs.text.contains(FakeControlPlane.hookSecret))
        }
    }

    @Test func gitLabsTokenAndGiteasSignatureAreAccepted() async throws {
        try await TestServer.with { server in
            let body = Self.push("refs/heads/main")
            let gitlab = try await Self.post(
                server, "/hooks/acme", body: body,
                headers: ["X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": FakeControlPlane.hookSecret])
            #expect(gitlab.status == 202)
            let signature = WebhookSignature.sign(Array(body), secret: Array(FakeControlPlane.hookSecret.utf8))
            let gitea = try await Self.post(
                server, "/hooks/acme", body: body, headers: ["X-Gitea-Event": "push", "X-Gitea-Signature": signature])
            #expect(gitea.status == 202)
            let wrongToken = try await Self.post(
                server, "/hooks/acme", body: body, headers: ["X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": "nope"])
            #expect(wrongToken.status == 401)
            let reports = await server.fake.webhookReports
            #expect(reports.map(\.report.forge) == ["gitlab", "gitea", "gitlab"])
            #expect(reports.map(\.report.outcome) == [.refresh, .refresh, .rejected])
        }
    }

    @Test func aPushToAnotherBranchIsIgnoredWithAMessage() async throws {
        try await TestServer.with { server in
            let body = Self.push("refs/heads/feature/x")
            let result = try await Self.post(
                server, "/hooks/acme", body: body, headers: ["X-GitHub-Event": "push", "X-Hub-Signature-256": Self.signed(body)])
            #expect(result.status == 202)
            let answer = try result.decode(WebhookAnswer.self)
            #expect(answer.outcome == .ignored)
            #expect(answer.message.contains("refs/heads/feature/x"))
            #expect(await server.fake.webhookReports.map(\.report.outcome) == [.ignored])
        }
    }

    @Test func aPingIsAnsweredAndUnsignedDeliveriesAreRefused() async throws {
        try await TestServer.with { server in
            let ping = Data(#"{"zen":"Design for failure.","hook_id":7}"#.utf8)
            let pong = try await Self.post(
                server, "/hooks/acme", body: ping, headers: ["X-GitHub-Event": "ping", "X-Hub-Signature-256": Self.signed(ping)])
            #expect(pong.status == 200)
            let unsigned = try await Self.post(server, "/hooks/acme", body: ping, headers: ["X-GitHub-Event": "ping"])
            #expect(unsigned.status == 401)
        }
    }

    @Test func aBodyOverTheCapIs413BeforeItIsRead() async throws {
        try await TestServer.with { server in
            let padding = String(repeating: "x", count: FakeControlPlane.hookCap + 1)
            let body = Data(#"{"ref":"refs/heads/main","padding":"\#(padding)"}"#.utf8)
            let result = try await Self.post(
                server, "/hooks/acme", body: body, headers: ["X-GitHub-Event": "push", "X-Hub-Signature-256": Self.signed(body)])
            #expect(result.status == 413)
            let reports = await server.fake.webhookReports
            #expect(reports.map(\.report.status) == [413])
        }
    }

    @Test func tenantsWithoutAWebhookAre404AndAnUnreadableSecretIs503() async throws {
        try await TestServer.with { server in
            let body = Self.push("refs/heads/main")
            let headers = ["X-GitHub-Event": "push", "X-Hub-Signature-256": Self.signed(body)]
            #expect(try await Self.post(server, "/hooks/globex", body: body, headers: headers).status == 404)
            #expect(try await Self.post(server, "/hooks/nobody", body: body, headers: headers).status == 404)
            let unavailable = try await Self.post(server, "/hooks/initech", body: body, headers: headers)
            #expect(unavailable.status == 503)
            // The reason (which names the reference) goes to the event, not to the caller.
            #expect(!unavailable.text.contains("CMS_INITECH_HOOK"))
            #expect(await server.fake.webhookReports.map(\.tenant) == ["initech"])
        }
    }
}
