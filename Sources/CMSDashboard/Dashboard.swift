import CMSAPI
import CMSModel
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The web dashboard served by `cmsd` at `/` (docs/dashboard.md): server-rendered pages (swift-mustache templates
/// shipped as resources), a small stylesheet and script, live updates by Server-Sent Events. Every page reads
/// through the same ``ControlPlane`` the JSON API uses; sessions are cookies of a login with an API token.
public struct Dashboard: Sendable {
    let controlPlane: any ControlPlane
    let authenticate: @Sendable (String) -> DashboardUser?
    let configuration: DashboardConfiguration
    let now: @Sendable () -> Timestamp
    let sessions: DashboardSessions
    let library: MustacheLibrary
    let assets: [String: (type: String, body: Data)]
    /// The live feed's one reader per tenant, shared by the open pages.
    let liveHub: LiveHub

    static let sessionCookie = "cms_session"
    static let languageCookie = "cms_lang"

    /// - Parameters:
    ///   - authenticate: the user of a presented API token, nil when the token is not valid.
    ///   - now: the clock of session idle times (tests inject theirs).
    ///   - clock: the clock of the live feed's reads (tests inject theirs).
    public init(
        controlPlane: any ControlPlane, authenticate: @escaping @Sendable (String) -> DashboardUser?,
        configuration: DashboardConfiguration = DashboardConfiguration(),
        now: @escaping @Sendable () -> Timestamp = { Timestamp(microsecondsSince1970: Int64(Date().timeIntervalSince1970 * 1e6)) },
        clock: any Clock<Duration> = ContinuousClock()
    ) throws {
        self.controlPlane = controlPlane
        self.liveHub = LiveHub(
            source: LiveHub.Source(
                events: { query in try await controlPlane.events(query) },
                devices: { tenant, query in try await controlPlane.devices(tenant, query: query).devices }),
            interval: configuration.livePollInterval, clock: clock)
        self.authenticate = authenticate
        self.configuration = configuration
        self.now = now
        self.sessions = DashboardSessions(idleTimeout: configuration.idleTimeout)
        guard let templates = Bundle.module.url(forResource: "Templates", withExtension: nil),
            let statics = Bundle.module.url(forResource: "Static", withExtension: nil)
        else { throw DashboardError("the dashboard's resources (Templates, Static) are missing next to the binary") }
        var library = MustacheLibrary()
        for file in try FileManager.default.contentsOfDirectory(atPath: templates.path) where file.hasSuffix(".mustache") {
            let text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
            try library.register(text, named: String(file.dropLast(".mustache".count)))
        }
        self.library = library
        var assets: [String: (type: String, body: Data)] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: statics.path) {
            let type = file.hasSuffix(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8"
            assets[file] = (type, try Data(contentsOf: statics.appendingPathComponent(file)))
        }
        self.assets = assets
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/") { request, _ in await guarded(request) { try await overview(request, $0) } }
        router.get("/login") { request, _ in await loginPage(request, failed: false) }
        router.post("/login") { request, _ in await login(request) }
        router.post("/logout") { request, _ in await action(request) { session, _ in await logout(session) } }
        router.post("/tenant") { request, _ in
            await action(request, needsWrite: false) { session, form in try await switchTenant(session, form) }
        }
        router.post("/actions/reconcile") { request, _ in await action(request) { try await reconcile($0, $1) } }
        router.post("/actions/refresh") { request, _ in await action(request) { try await refresh($0, $1) } }
        router.get("/devices") { request, _ in await guarded(request) { try await deviceList(request, $0, csv: false) } }
        router.get("/devices.csv") { request, _ in await guarded(request) { try await deviceList(request, $0, csv: true) } }
        router.get("/devices/:code") { request, context in
            let code = context.parameters.get("code")?.removingPercentEncoding ?? ""
            return await guarded(request) { try await deviceDetail(request, $0, code: code) }
        }
        router.get("/events") { request, _ in await guarded(request) { try await eventsPage(request, $0, csv: false) } }
        router.get("/events.csv") { request, _ in await guarded(request) { try await eventsPage(request, $0, csv: true) } }
        router.get("/groups") { request, _ in await guarded(request) { try await groupsPage(request, $0, group: nil) } }
        router.get("/groups/:group") { request, context in
            let group = context.parameters.get("group")?.removingPercentEncoding ?? ""
            return await guarded(request) { try await groupsPage(request, $0, group: group) }
        }
        router.get("/operations") { request, _ in await guarded(request) { try await operationsPage(request, $0) } }
        router.get("/archive") { request, _ in await guarded(request) { try await archivePage(request, $0) } }
        router.post("/actions/config-pull") { request, _ in await action(request) { try await configPull($0, $1) } }
        router.get("/backups") { request, _ in await guarded(request) { try await backupsPage(request, $0) } }
        router.post("/actions/backup") { request, _ in
            await formAction(request) { try await backupNow(request, $0, $1) }
        }
        router.post("/actions/backup-check") { request, _ in
            await formAction(request) { try await backupCheck(request, $0, $1) }
        }
        router.get("/live") { request, _ in await live(request) }
        router.get("/lang/:code") { request, context in
            let code = Language(rawValue: context.parameters.get("code") ?? "") ?? .en
            var response = Response.redirect(to: Self.safeBack(request.uri.queryParameters.get("back")), type: .normal)
            response.setCookie(Cookie(name: Self.languageCookie, value: code.rawValue, maxAge: 365 * 86400, path: "/",
                                      secure: secure(request), httpOnly: true, sameSite: .strict))
            return response
        }
        router.get("/static/:file") { _, context in
            guard let file = context.parameters.get("file"), let asset = assets[file] else {
                return Response(status: .notFound)
            }
            var headers = HTTPFields()
            headers[.contentType] = asset.type
            headers[.cacheControl] = "max-age=3600"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.body)))
        }
    }

    // MARK: - Sessions

    /// The session of the request's cookie; an idle-expired one is recorded as `user.idle-logout`.
    func session(_ request: Request) async -> DashboardSession? {
        switch sessions.lookup(request.cookies[Self.sessionCookie]?.value, now: now()) {
        case .active(let session): return session
        case .expired(let session):
            await dashboardControl?.recordUserEvent(
                tenant: session.tenant, type: .userIdleLogout, user: session.user.name, details: ["via": "dashboard"])
            return nil
        case .unknown: return nil
        }
    }

    var dashboardControl: (any DashboardControl)? { controlPlane as? any DashboardControl }

    static func language(_ request: Request) -> Language {
        Language.negotiate(
            cookie: request.cookies[languageCookie]?.value, acceptLanguage: request.headers[.acceptLanguage])
    }

    /// A page that needs a session: without one, the login page (303); errors of the control plane as a page.
    func guarded(_ request: Request, _ body: (DashboardSession) async throws -> Response) async -> Response {
        guard let session = await session(request) else {
            return Response.redirect(to: "/login", type: .normal)
        }
        do {
            return try await body(session)
        } catch let error as APIError {
            return await render("error", request, session, active: "", status: .init(code: error.status),
                          ["errorCode": error.code, "errorMessage": error.message])
        } catch {
            return await render("error", request, session, active: "", status: .internalServerError,
                          ["errorCode": "internal", "errorMessage": "\(error)"])
        }
    }

    /// An action (a POST form): refused without a session (401) or with a wrong CSRF token (403); a read-only token
    /// may not act (403). On success, back to the page it came from.
    func action(
        _ request: Request, needsWrite: Bool = true,
        _ body: @escaping (DashboardSession, [String: String]) async throws -> Void
    ) async -> Response {
        await formAction(request, needsWrite: needsWrite) { session, form in
            try await body(session, form)
            if request.uri.path == "/logout" {
                var response = Response.redirect(to: "/login", type: .normal)
                response.setCookie(sessionCookie(request, value: "", maxAge: 0))
                return response
            }
            return Response.redirect(to: Self.safeBack(form["back"]), type: .normal)
        }
    }

    /// An action that answers with a page of its own (a backup's contents): the same checks as ``action(_:needsWrite:_:)``.
    func formAction(
        _ request: Request, needsWrite: Bool = true,
        _ body: @escaping (DashboardSession, [String: String]) async throws -> Response
    ) async -> Response {
        let form = await Self.form(request)
        guard let session = await session(request) else {
            return plain(.unauthorized, "not logged in: open /login first")
        }
        guard DashboardSessions.csrfMatches(session, form["csrf"]) else {
            return plain(.forbidden, "the form's CSRF token does not match this session; reload the page and try again")
        }
        if needsWrite && session.user.readOnly && request.uri.path != "/logout" {
            return plain(.forbidden, "the token '\(session.user.name)' is read-only")
        }
        do {
            return try await body(session, form)
        } catch let error as APIError {
            return await render("error", request, session, active: "", status: .init(code: error.status),
                          ["errorCode": error.code, "errorMessage": error.message])
        } catch {
            return plain(.internalServerError, "\(error)")
        }
    }

    static func form(_ request: Request) async -> [String: String] {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: 64 * 1024) else { return [:] }
        return FormData.parse(String(buffer: buffer))
    }

    /// Only same-site paths: `/…` but not `//…`.
    static func safeBack(_ back: String?) -> String {
        guard let back, back.hasPrefix("/"), !back.hasPrefix("//"), !back.contains("\\") else { return "/" }
        return back
    }

    func sessionCookie(_ request: Request, value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: Self.sessionCookie, value: value, maxAge: maxAge, path: "/", secure: secure(request),
               httpOnly: true, sameSite: .strict)
    }

    /// Cookies are `Secure` when the browser reached the dashboard over TLS: always when so configured, and for a
    /// request a TLS-terminating proxy forwarded from an `https` client (`X-Forwarded-Proto: https` or
    /// `Forwarded: proto=https`, docs/production.md). A client that sends these itself over plain HTTP only makes
    /// its own cookie unusable there: `Secure` can be added this way, never taken away.
    func secure(_ request: Request) -> Bool {
        configuration.secureCookie
            || Self.forwardedOverTLS(
                xForwardedProto: request.headers[HTTPField.Name("X-Forwarded-Proto")!],
                forwarded: request.headers[HTTPField.Name("Forwarded")!])
    }

    /// Whether the proxy headers say the client's own hop was `https` (the first element: the hop nearest the client).
    static func forwardedOverTLS(xForwardedProto: String?, forwarded: String?) -> Bool {
        if let proto = xForwardedProto?.split(separator: ",").first?.trimmingCharacters(in: .whitespaces),
            proto.lowercased() == "https"
        {
            return true
        }
        guard let first = forwarded?.split(separator: ",").first else { return false }
        for pair in first.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[0].lowercased() == "proto" else { continue }
            return parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased() == "https"
        }
        return false
    }

    func loginPage(_ request: Request, failed: Bool, status: HTTPResponse.Status = .ok) async -> Response {
        await render("login", request, nil, active: "login", status: status, ["failed": failed])
    }

    func login(_ request: Request) async -> Response {
        let form = await Self.form(request)
        let token = (form["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, let user = authenticate(token) else {
            return await loginPage(request, failed: true, status: .unauthorized)
        }
        let tenants = await controlPlane.tenantCodes().filter(user.allows).sorted()
        guard let tenant = tenants.first else {
            return await loginPage(request, failed: true, status: .forbidden)
        }
        let session = sessions.create(user: user, tenant: tenant, now: now())
        await dashboardControl?.recordUserEvent(
            tenant: tenant, type: .userLogin, user: user.name, details: ["via": "dashboard"])
        var response = Response.redirect(to: "/", type: .normal)
        response.setCookie(sessionCookie(request, value: session.id))
        return response
    }

    func logout(_ session: DashboardSession) async {
        sessions.remove(session.id)
        await dashboardControl?.recordUserEvent(
            tenant: session.tenant, type: .userLogout, user: session.user.name, details: ["via": "dashboard"])
    }

    func switchTenant(_ session: DashboardSession, _ form: [String: String]) async throws {
        let tenant = form["tenant"] ?? ""
        guard session.user.allows(tenant), await controlPlane.tenantCodes().contains(tenant) else {
            throw APIError(status: 403, code: "forbidden",
                           message: "the token '\(session.user.name)' does not grant tenant '\(tenant)'")
        }
        sessions.setTenant(session.id, tenant)
    }

    func reconcile(_ session: DashboardSession, _ form: [String: String]) async throws {
        let device = form["device"].flatMap { $0.isEmpty ? nil : $0 }
        _ = try await controlPlane.reconcile(session.tenant, device: device, user: session.user.name)
    }

    func refresh(_ session: DashboardSession, _ form: [String: String]) async throws {
        if let control = controlPlane as? any RefreshControl {
            _ = try await control.refresh(session.tenant, user: session.user.name)
        } else {
            _ = try await controlPlane.refresh(session.tenant)
        }
    }

    // MARK: - Rendering

    func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text + "\n")))
    }

    /// Renders a page template with the common context: labels, language, user, tenant switch, CSRF token.
    func render(
        _ template: String, _ request: Request, _ session: DashboardSession?, active: String,
        status: HTTPResponse.Status = .ok, _ values: [String: Any]
    ) async -> Response {
        let language = Self.language(request)
        var context: [String: Any] = values
        context["t"] = Labels.table(language)
        context["lang"] = language.rawValue
        context["otherLang"] = language.other.rawValue
        context["path"] = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        context["active_" + active] = true
        if let session {
            context["session"] = [
                "user": session.user.name, "tenant": session.tenant, "csrf": session.csrf,
                "readOnly": session.user.readOnly, "canWrite": !session.user.readOnly,
            ] as [String: Any]
            if session.user.tenants.count != 1 {
                let codes = await controlPlane.tenantCodes().filter(session.user.allows).sorted()
                context["switchable"] = codes.count > 1
                context["tenantChoices"] = codes.map { ["code": $0, "selected": $0 == session.tenant] as [String: Any] }
            }
        }
        let html = library.render(context, withTemplate: template) ?? "template \(template) is missing"
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

}

/// A dashboard setup problem (resources missing).
public struct DashboardError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

