import CMSAPI
import CMSModel
@testable import CMSServer
import Foundation
import Testing

/// Bearer tokens: 401 without or with a bad token, 403 for another tenant's data (before saying
/// whether it exists), and the token never reaches the log.
@Suite struct AuthTests {
    static let tenantRoutes: [(method: String, path: String)] = [
        ("GET", "/status"), ("GET", "/devices"), ("GET", "/devices/gx-1"), ("POST", "/devices/gx-1/reconcile"),
        ("GET", "/events"), ("GET", "/plan"), ("POST", "/reconcile"), ("POST", "/refresh"), ("GET", "/ipsec/g"),
    ]

    @Test(arguments: tenantRoutes)
    func everyTenantRouteRefusesARequestWithoutAToken(route: (method: String, path: String)) async throws {
        try await TestServer.with { server in
            let response = try await server.request(route.method, "/api/v1/tenants/globex" + route.path)
            #expect(response.status == 401)
            #expect(try response.apiError().code == "unauthorized")
            #expect(response.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        }
    }

    @Test(arguments: tenantRoutes)
    func everyTenantRouteRefusesAnotherTenantsToken(route: (method: String, path: String)) async throws {
        try await TestServer.with { server in
            let response = try await server.request(
                route.method, "/api/v1/tenants/globex" + route.path, token: Tokens.acme)
            #expect(response.status == 403)
            let error = try response.apiError()
            #expect(error.code == "forbidden")
            #expect(!response.text.contains("Globex HQ"))
            #expect(!response.text.contains("globex secret event"))
            #expect(await server.fake.reconciles.isEmpty)
            #expect(await server.fake.eventQueries.isEmpty)
        }
    }

    @Test(arguments: [
        ("Bearer wrong-token", "not valid"),
        ("Bearer \(Tokens.acme)x", "not valid"),
        ("Bearer \(String(Tokens.acme.dropLast()))", "not valid"),
        ("Basic YWRtaW46YWRtaW4=", "must be 'Bearer TOKEN'"),
        ("Bearer", "must be 'Bearer TOKEN'"),
        ("", "missing bearer token"),
    ])
    func aBadAuthorizationHeaderIsA401SayingWhatIsWrong(header: String, expected: String) async throws {
        try await TestServer.with { server in
            let response = try await server.request(
                "/api/v1/tenants/acme/status", headers: header.isEmpty ? [:] : ["Authorization": header])
            #expect(response.status == 401)
            #expect(try response.apiError().message.contains(expected))
        }
    }

    @Test func theBearerSchemeIsCaseInsensitive() async throws {
        try await TestServer.with { server in
            let response = try await server.request(
                "/api/v1/tenants/acme/status", headers: ["Authorization": "bearer \(Tokens.acme)"])
            #expect(response.status == 200)
        }
    }

    @Test func aRestrictedTokenGetsA403ForATenantThatDoesNotExistSoExistenceIsNotRevealed() async throws {
        try await TestServer.with { server in
            let unknown = try await server.request("/api/v1/tenants/initech/status", token: Tokens.acme)
            let other = try await server.request("/api/v1/tenants/globex/status", token: Tokens.acme)
            #expect(unknown.status == 403)
            #expect(other.status == 403)
        }
    }

    @Test func theServerSetsTheEventSearchTenantFromThePathNotFromTheQuery() async throws {
        try await TestServer.with { server in
            let response = try await server.request("/api/v1/tenants/acme/events?tenant=globex", token: Tokens.acme)
            #expect(response.status == 400)
            let ok = try await server.request("/api/v1/tenants/acme/events", token: Tokens.acme)
            let events = try ok.decode([Event].self)
            #expect(events.allSatisfy { $0.tenant == "acme" })
            #expect(await server.fake.eventQueries.map(\.tenant) == ["acme"])
        }
    }

    @Test func tokensNeverAppearInTheLogButRequestsDo() async throws {
        try await TestServer.with { server in
            _ = try await server.request("/api/v1/tenants/acme/status", token: Tokens.acme)
            _ = try await server.request("/api/v1/tenants/acme/status", token: "wrong-secret-value")
            _ = try await server.request("/metrics", token: Tokens.ops)
            let log = server.logs.text
            #expect(log.contains("GET /api/v1/tenants/acme/status 200"))
            #expect(log.contains("GET /api/v1/tenants/acme/status 401"))
            #expect(!log.contains(Tokens.acme))
            #expect(!log.contains(Tokens.ops))
            #expect(!log.contains("wrong-secret-value"))
            #expect(!log.lowercased().contains("authorization"))
        }
    }

    @Test(arguments: [
        ("abc", "abc", true), ("abc", "abd", false), ("abc", "ab", false), ("ab", "abc", false), ("", "", true),
        ("a", "", false), ("\u{0}", "", false),
    ])
    func constantTimeComparisonIsExactEquality(lhs: String, rhs: String, equal: Bool) {
        #expect(TokenAuthenticator.constantTimeEqual(Array(lhs.utf8), Array(rhs.utf8)) == equal)
    }

    @Test func anEmptyConfiguredTokenNeverMatches() throws {
        let authenticator = TokenAuthenticator(tokens: ["": TokenGrant(name: "empty")])
        #expect(throws: APIError.self) { try authenticator.grant(authorization: "Bearer ") }
        #expect(throws: APIError.self) { try authenticator.grant(authorization: "Bearer  ") }
    }
}
