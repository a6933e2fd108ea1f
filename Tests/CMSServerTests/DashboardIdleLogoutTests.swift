import CMSAPI
import CMSDashboard
import CMSModel
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// A dashboard session unused for its idle time ends: the next request goes to the login page and the end is
/// recorded as `user.idle-logout` with the token's name. The dashboard's clock is the test's (no waiting).
@Suite struct DashboardIdleLogoutTests {
    @Test func aSessionIdleLongerThanItsTimeoutEndsAndIsRecordedWithTheTokenName() async throws {
        let fake = FakeControlPlane()
        let clock = Mutex<Int64>(1_796_000_000_000_000)
        let dashboard = try Dashboard(
            controlPlane: fake,
            authenticate: { $0 == "idle-token" ? DashboardUser(name: "night-shift", tenants: ["acme"]) : nil },
            configuration: DashboardConfiguration(idleTimeout: .seconds(30 * 60)),
            now: { Timestamp(microsecondsSince1970: clock.withLock { $0 }) })
        let router = Router()
        dashboard.register(on: router)
        let app = Application(router: router)
        try await app.test(.router) { client in
            var headers = HTTPFields()
            headers[.contentType] = "application/x-www-form-urlencoded"
            let login = try await client.execute(
                uri: "/login", method: .post, headers: headers, body: ByteBuffer(string: "token=idle-token"))
            #expect(login.status == .seeOther)
            let setCookie = try #require(login.headers[.setCookie])
            let session = String(setCookie.prefix { $0 != ";" })
            var withCookie = HTTPFields()
            withCookie[.cookie] = session
            // Used 29 minutes later: still in, and the idle time starts again from there.
            clock.withLock { $0 += 29 * 60 * 1_000_000 }
            #expect(try await client.execute(uri: "/", method: .get, headers: withCookie).status == .ok)
            clock.withLock { $0 += 29 * 60 * 1_000_000 }
            #expect(try await client.execute(uri: "/devices", method: .get, headers: withCookie).status == .ok)
            // Then 31 minutes idle: the session has ended.
            clock.withLock { $0 += 31 * 60 * 1_000_000 }
            let expired = try await client.execute(uri: "/", method: .get, headers: withCookie)
            #expect(expired.status == .seeOther && expired.headers[.location] == "/login")
            #expect(try await client.execute(uri: "/", method: .get, headers: withCookie).headers[.location] == "/login")
        }
        let recorded = fake.userEvents
        #expect(recorded.map(\.type) == [EventType.userLogin, .userIdleLogout], "one idle end, recorded once")
        #expect(recorded.allSatisfy { $0.tenant == "acme" })
    }
}
