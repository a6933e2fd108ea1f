import CMSAPI
import CMSModel
import CMSServer
import Foundation
import Testing

/// Every route answers over real HTTP with the control plane's DTOs.
@Suite struct RouteTests {
    @Test func healthzAnswersWithoutAToken() async throws {
        try await TestServer.with { server in
            let response = try await server.request("/healthz")
            #expect(response.status == 200)
            #expect(try response.decode([String: String].self) == ["status": "ok"])
        }
    }

    @Test func theTenantListShowsOnlyTheTenantsTheTokenGrants() async throws {
        try await TestServer.with { server in
            let ops = try await server.request("/api/v1/tenants", token: Tokens.ops)
            #expect(ops.status == 200)
            #expect(try ops.decode(TenantList.self).tenants == ["acme", "globex"])
            let acme = try await server.request("/api/v1/tenants", token: Tokens.acme)
            #expect(try acme.decode(TenantList.self).tenants == ["acme"])
            let ghost = try await server.request("/api/v1/tenants", token: Tokens.ghost)
            #expect(try ghost.decode(TenantList.self).tenants == [])
        }
    }

    @Test func statusReturnsTheTenantStatusAsJSONWithMicrosecondTimestamps() async throws {
        try await TestServer.with { server in
            let response = try await server.request("/api/v1/tenants/acme/status", token: Tokens.acme)
            #expect(response.status == 200)
            #expect(response.headers["content-type"]?.hasPrefix("application/json") == true)
            let status = try response.decode(TenantStatus.self)
            #expect(status.tenant == "acme")
            #expect(status.counts.total == 4)
            #expect(status.lastAttemptedRevision == "def456")
            let raw = try #require(JSONSerialization.jsonObject(with: response.body) as? [String: Any])
            let condition = try #require(raw["condition"] as? [String: Any])
            #expect((condition["since"] as? NSNumber)?.int64Value == FakeControlPlane.since.microsecondsSince1970)
        }
    }

    @Test func devicesReturnsAPageWithCountersOverTheWholeTenant() async throws {
        try await TestServer.with { server in
            let response = try await server.request(
                "/api/v1/tenants/acme/devices?state=connected,disconnected&pageSize=16&page=1", token: Tokens.acme)
            #expect(response.status == 200)
            let page = try response.decode(DevicePage.self)
            #expect(page.devices.map(\.code) == ["tokyo-01", "osaka-02"])
            #expect(page.total == 2)
            #expect(page.counts.total == 4)
            let query = try #require(await server.fake.deviceQueries.last)
            #expect(query.states == [.connected, .disconnected])
            #expect(query.pageSize == 16)
        }
    }

    @Test func devicesSearchPassesFieldValueAndMatchModePercentDecoded() async throws {
        try await TestServer.with { server in
            let name = "東京".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let response = try await server.request(
                "/api/v1/tenants/acme/devices?field=name&value=\(name)&match=partial&sync=ready", token: Tokens.acme)
            #expect(response.status == 200)
            #expect(try response.decode(DevicePage.self).devices.map(\.code) == ["tokyo-01"])
            let query = try #require(await server.fake.deviceQueries.last)
            #expect(query.field == .name)
            #expect(query.value == "東京")
            #expect(query.exact == false)
            #expect(query.sync == .ready)
            let exact = try await server.request(
                "/api/v1/tenants/acme/devices?field=control-ip&value=198.51.100.2:830&match=exact", token: Tokens.acme)
            #expect(try exact.decode(DevicePage.self).devices.map(\.code) == ["osaka-02"])
        }
    }

    @Test func oneDeviceReturnsItsDetailAndAnUnknownOneIsA404() async throws {
        try await TestServer.with { server in
            let response = try await server.request("/api/v1/tenants/acme/devices/tokyo-01", token: Tokens.acme)
            #expect(response.status == 200)
            let detail = try response.decode(DeviceDetail.self)
            #expect(detail.summary.name == "東京本社ルータ")
            #expect(detail.history.count == 1)
            let missing = try await server.request("/api/v1/tenants/acme/devices/nope", token: Tokens.acme)
            #expect(missing.status == 404)
            #expect(try missing.apiError() == APIError.notFound("device", "nope"))
        }
    }

    @Test func reconcileOfOneDeviceIsAcceptedAndRecordsTheTokenNameAsUser() async throws {
        try await TestServer.with { server in
            let response = try await server.request(
                "POST", "/api/v1/tenants/acme/devices/osaka-02/reconcile", token: Tokens.acme)
            #expect(response.status == 202)
            #expect(try response.decode(ReconcileAccepted.self).devices == ["osaka-02"])
            let call = try #require(await server.fake.reconciles.last)
            #expect(call.tenant == "acme")
            #expect(call.device == "osaka-02")
            #expect(call.user == "acme-ci")
        }
    }

    @Test func reconcileOfTheTenantQueuesEveryDevice() async throws {
        try await TestServer.with { server in
            let response = try await server.request("POST", "/api/v1/tenants/globex/reconcile", token: Tokens.ops)
            #expect(response.status == 202)
            #expect(try response.decode(ReconcileAccepted.self).devices == ["gx-1"])
            let call = try #require(await server.fake.reconciles.last)
            #expect(call.device == nil)
            #expect(call.user == "ops")
        }
    }

    /// A path the API serves, asked with another method: 405 with `Allow` (found by schemathesis: it was a 404,
    /// which says the path does not exist).
    @Test func reconcileNeedsPOST() async throws {
        try await TestServer.with { server in
            let response = try await server.request("GET", "/api/v1/tenants/acme/reconcile", token: Tokens.acme)
            #expect(response.status == 405)
            #expect(try response.apiError().code == "method-not-allowed")
            #expect(response.headers["allow"] == "POST")
            let images = try await server.request("TRACE", "/api/v1/tenants/acme/firmware/images", token: Tokens.acme)
            #expect(images.status == 405)
            #expect(images.headers["allow"] == "GET, POST")
            let health = try await server.request("DELETE", "/healthz")
            #expect(health.status == 405)
            #expect(health.headers["allow"] == "GET")
            #expect(await server.fake.reconciles.isEmpty)
        }
    }

    @Test func refreshReportsWhetherTheTipIsNew() async throws {
        try await TestServer.with { server in
            let first = try await server.request("POST", "/api/v1/tenants/acme/refresh", token: Tokens.acme)
            #expect(first.status == 200)
            #expect(try first.decode(RefreshResult.self) == RefreshResult(revision: "tip999", isNew: true))
            let second = try await server.request("POST", "/api/v1/tenants/acme/refresh", token: Tokens.acme)
            #expect(try second.decode(RefreshResult.self).isNew == false)
        }
    }

    @Test func planPassesRevisionAndNative() async throws {
        try await TestServer.with { server in
            let response = try await server.request(
                "/api/v1/tenants/acme/plan?rev=feature%2Fx&native=true", token: Tokens.acme)
            #expect(response.status == 200)
            let plan = try response.decode(TenantPlan.self)
            #expect(plan.revision == "feature/x")
            #expect(plan.devices.first?.parts.first?.native?.contains("<telnet-server>") == true)
            let call = try #require(await server.fake.plans.last)
            #expect(call.revision == "feature/x")
            #expect(call.native)
            let missing = try await server.request("/api/v1/tenants/acme/plan?rev=missing", token: Tokens.acme)
            #expect(missing.status == 404)
            #expect(try missing.apiError().code == "revision-not-found")
        }
    }

    @Test func ipsecStatusDecodesAJapaneseGroupNameAndPassesRefresh() async throws {
        try await TestServer.with { server in
            let group = "本社-拠点".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let response = try await server.request(
                "/api/v1/tenants/acme/ipsec/\(group)?refresh=true", token: Tokens.acme)
            #expect(response.status == 200)
            let status = try response.decode(IPsecGroupStatus.self)
            #expect(status.group == "本社-拠点")
            #expect(status.state == .partlyConnected)
            #expect(await server.fake.ipsecRefreshes == [true])
            let missing = try await server.request("/api/v1/tenants/acme/ipsec/nogroup", token: Tokens.acme)
            #expect(missing.status == 404)
            #expect(try missing.apiError().message == "no group 'nogroup'")
        }
    }

    @Test func anUnknownRouteIsAJSON404() async throws {
        try await TestServer.with { server in
            let response = try await server.request("/api/v2/whatever", token: Tokens.ops)
            #expect(response.status == 404)
            let error = try response.apiError()
            #expect(error.code == "route-not-found")
            #expect(error.message.contains("/api/v2/whatever"))
        }
    }

    @Test func anUnknownTenantIsA404ForATokenGrantingAllTenants() async throws {
        try await TestServer.with { server in
            let response = try await server.request("/api/v1/tenants/initech/status", token: Tokens.ops)
            #expect(response.status == 404)
            #expect(try response.apiError() == APIError.notFound("tenant", "initech"))
        }
    }
}
