import CMSAPI
import CMSModel
import Foundation
import Testing

/// The dashboard's sessions over real HTTP (curl with a cookie jar, redirects not followed): login with a token,
/// the cookie's attributes, CSRF on actions, read-only tokens, logout; user events recorded with the token's name.
@Suite(.serialized) struct DashboardSessionTests {
    struct Curl {
        let base: String
        let jar: String
        /// More curl options (`-k` for a test's own certificate).
        var extra: [String] = []
        /// Runs curl; returns the status code and the body (and the headers when asked).
        func callAsFunction(_ path: String, form: [String: String]? = nil, cookies: Bool = true, headers: Bool = false)
            throws -> (status: Int, body: String)
        {
            var arguments = ["-s", "-o", "-", "-w", "\n%{http_code}"] + extra
            if headers { arguments.append("-i") }
            if cookies { arguments += ["-b", jar, "-c", jar] }
            if let form {
                for (name, value) in form.sorted(by: { $0.key < $1.key }) {
                    arguments += ["--data-urlencode", "\(name)=\(value)"]
                }
            }
            arguments.append(base + path)
            let result = try runCurl(arguments)
            let split = result.split(separator: "\n", omittingEmptySubsequences: false)
            return (Int(split.last ?? "") ?? 0, split.dropLast().joined(separator: "\n"))
        }
    }

    static func runCurl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func csrf(_ html: String) -> String? {
        guard let range = html.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix(64))
    }

    @Test func loginActionsWithCSRFAndLogoutAreRecordedWithTheTokenName() async throws {
        try await TestServer.with { server in
            let jar = FileManager.default.temporaryDirectory.appendingPathComponent("jar-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: jar) }
            let curl = Curl(base: server.base, jar: jar)
            // Without a session: pages lead to the login page, actions are refused.
            #expect(try curl("/devices").status == 303)
            #expect(try curl("/actions/reconcile", form: ["csrf": "x"]).status == 401)
            #expect(try curl("/login", form: ["token": "wrong"]).status == 401)
            // Log in: the cookie is HttpOnly, SameSite=Strict; not Secure on plain HTTP.
            let login = try curl("/login", form: ["token": Tokens.acme], headers: true)
            #expect(login.status == 303)
            let setCookie = login.body.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: cms_session=") }
            let cookie = try #require(setCookie.map(String.init))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"))
            #expect(server.fake.userEvents.map { "\($0.tenant) \($0.type.rawValue) \($0.user)" }
                == ["acme user.login acme-ci"])
            let overview = try curl("/")
            #expect(overview.status == 200 && overview.body.contains("acme-ci"))
            let csrf = try #require(Self.csrf(overview.body))
            // Actions: a forged or missing CSRF token is refused; the right one reconciles as the token's name.
            #expect(try curl("/actions/reconcile", form: ["csrf": String(repeating: "0", count: 64)]).status == 403)
            #expect(try curl("/actions/reconcile", form: ["device": "tokyo-01"]).status == 403, "no CSRF token at all")
            #expect(try curl("/actions/reconcile", form: ["csrf": csrf, "device": "tokyo-01", "back": "/devices"]).status == 303)
            let reconciles = await server.fake.reconciles
            #expect(reconciles.count == 1 && reconciles.first?.user == "acme-ci" && reconciles.first?.device == "tokyo-01")
            // Fetch now: asked with the token's name as the user, like a refresh through the API.
            #expect(try curl("/actions/refresh", form: ["csrf": csrf, "back": "/"]).status == 303)
            #expect(try curl("/actions/refresh", form: ["csrf": String(repeating: "0", count: 64)]).status == 403)
            let api = try await server.request("POST", "/api/v1/tenants/acme/refresh", token: Tokens.acme)
            #expect(api.status == 200)
            let refreshes = userRefreshes.withLock { $0[server.fake.key] }
            #expect(refreshes == ["acme acme-ci", "acme acme-ci"])
            // A tenant token cannot switch to another tenant.
            #expect(try curl("/tenant", form: ["csrf": csrf, "tenant": "globex"]).status == 403)
            // Logout ends the session: the old cookie no longer works.
            #expect(try curl("/logout", form: ["csrf": csrf]).status == 303)
            #expect(try curl("/").status == 303)
            #expect(server.fake.userEvents.map(\.type) == [.userLogin, .userLogout])
        }
    }

    @Test func anAllTenantTokenSwitchesTenantsAndAReadOnlyTokenCannotAct() async throws {
        try await TestServer.with { server in
            let jar = FileManager.default.temporaryDirectory.appendingPathComponent("jar-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: jar) }
            let curl = Curl(base: server.base, jar: jar)
            #expect(try curl("/login", form: ["token": Tokens.ops]).status == 303)
            var page = try curl("/")
            #expect(page.body.contains("id=\"tenant-switch\"") && page.body.contains("<h1>Overview — acme"))
            let csrf = try #require(Self.csrf(page.body))
            #expect(try curl("/tenant", form: ["csrf": csrf, "tenant": "globex"]).status == 303)
            page = try curl("/")
            #expect(page.body.contains("<h1>Overview — globex"))
            // Japanese by Accept-Language.
            let japanese = try Self.runCurl(["-s", "-b", jar, "-H", "Accept-Language: ja,en;q=0.5", server.base + "/"])
            #expect(japanese.contains("機器一覧") && japanese.contains("lang=\"ja\""))

            let viewerJar = jar + "-viewer"
            defer { try? FileManager.default.removeItem(atPath: viewerJar) }
            let viewer = Curl(base: server.base, jar: viewerJar)
            #expect(try viewer("/login", form: ["token": Tokens.readOnly]).status == 303)
            let viewerPage = try viewer("/")
            #expect(viewerPage.status == 200 && !viewerPage.body.contains("id=\"reconcile\""))
            let viewerCSRF = try #require(Self.csrf(viewerPage.body))
            #expect(try viewer("/actions/reconcile", form: ["csrf": viewerCSRF]).status == 403)
            #expect(try viewer("/actions/refresh", form: ["csrf": viewerCSRF]).status == 403)
            // …and the API refuses its POSTs too.
            let api = try await server.request("POST", "/api/v1/tenants/acme/reconcile", token: Tokens.readOnly)
            #expect(api.status == 403)
            let read = try await server.request("/api/v1/tenants/acme/status", token: Tokens.readOnly)
            #expect(read.status == 200)
        }
    }
}
