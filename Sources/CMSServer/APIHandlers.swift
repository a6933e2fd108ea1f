import CMSAPI
import CMSModel
import Foundation
import Hummingbird

/// The routes of the API (docs/api.md): every tenant route checks the bearer token (401), that it
/// grants the tenant (403, before revealing whether the tenant exists), that the tenant exists (404),
/// then the query (400), and only then asks the control plane.
struct APIHandlers: Sendable {
    let controlPlane: any ControlPlane
    let authenticator: TokenAuthenticator

    typealias Context = BasicRequestContext

    func register(on router: Router<Context>) {
        let prefix = CMSServerInfo.apiPrefix
        router.get("/healthz") { request, _ in
            _ = try QueryReader(request.queryPairs, allowed: [])
            return APIResponses.json(["status": "ok"])
        }
        router.get("/metrics") { request, _ in try await metrics(request) }
        registerMail(on: router)
        router.get("\(prefix)/tenants") { request, _ in try await tenants(request) }
        router.get("\(prefix)/tenants/:tenant/status") { request, context in
            let scope = try await scope(request, context, allowed: [])
            return APIResponses.json(try await controlPlane.tenantStatus(scope.tenant))
        }
        router.get("\(prefix)/tenants/:tenant/devices") { request, context in try await devices(request, context) }
        router.get("\(prefix)/tenants/:tenant/devices/:code") { request, context in
            let scope = try await scope(request, context, allowed: [])
            let code = try Self.pathParameter(context, "code")
            return APIResponses.json(try await controlPlane.device(scope.tenant, code: code))
        }
        router.post("\(prefix)/tenants/:tenant/devices/:code/reconcile") { request, context in
            let scope = try await scope(request, context, allowed: [])
            let code = try Self.pathParameter(context, "code")
            let accepted = try await controlPlane.reconcile(scope.tenant, device: code, user: scope.grant.name)
            return APIResponses.json(accepted, status: .accepted)
        }
        router.post("\(prefix)/tenants/:tenant/reconcile") { request, context in
            let scope = try await scope(request, context, allowed: [])
            let accepted = try await controlPlane.reconcile(scope.tenant, device: nil, user: scope.grant.name)
            return APIResponses.json(accepted, status: .accepted)
        }
        router.post("\(prefix)/tenants/:tenant/refresh") { request, context in
            let scope = try await scope(request, context, allowed: [])
            if let control = controlPlane as? any RefreshControl {  // recorded with the token's name
                return APIResponses.json(try await control.refresh(scope.tenant, user: scope.grant.name))
            }
            return APIResponses.json(try await controlPlane.refresh(scope.tenant))
        }
        router.get("\(prefix)/tenants/:tenant/events") { request, context in try await events(request, context) }
        router.get("\(prefix)/tenants/:tenant/plan") { request, context in
            let scope = try await scope(request, context, allowed: ["rev", "native"])
            let revision = try scope.query.single("rev")
            if let revision {
                guard !revision.isEmpty, revision.count <= 256,
                    !revision.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
                else { throw APIError.badQuery("rev: give a commit id, branch or tag (1 to 256 printable characters)") }
            }
            let native = try scope.query.bool("native") ?? false
            return APIResponses.json(try await controlPlane.plan(scope.tenant, revision: revision, native: native))
        }
        registerConfigArchive(on: router)
        router.get("\(prefix)/tenants/:tenant/ipsec/:group") { request, context in
            let scope = try await scope(request, context, allowed: ["refresh"])
            let group = try Self.pathParameter(context, "group")
            let refresh = try scope.query.bool("refresh") ?? false
            return APIResponses.json(try await controlPlane.ipsecStatus(scope.tenant, group: group, refresh: refresh))
        }
        registerFirmware(on: router)
        registerBackup(on: router)
        registerSchedules(on: router)
        registerLocalPlan(on: router)
        registerDiagnostics(on: router)
        registerHooks(on: router)
    }

    /// The checked caller of a tenant route.
    struct Scope {
        var tenant: String
        var grant: TokenGrant
        var query: QueryReader
    }

    func scope(_ request: Request, _ context: Context, allowed: [String]) async throws(APIError) -> Scope {
        let grant = try authenticator.grant(authorization: request.headers[.authorization])
        let tenant = try Self.pathParameter(context, "tenant")
        guard grant.allows(tenant) else {
            throw APIError(
                status: 403, code: "forbidden",
                message: "the token '\(grant.name)' does not grant tenant '\(tenant)'")
        }
        guard await controlPlane.tenantCodes().contains(tenant) else { throw APIError.notFound("tenant", tenant) }
        if grant.readOnly && request.method != .get && request.method != .head {
            throw APIError(status: 403, code: "read-only", message: "the token '\(grant.name)' is read-only")
        }
        let query = try QueryReader(request.queryPairs, allowed: allowed)
        return Scope(tenant: tenant, grant: grant, query: query)
    }

    /// A path segment, percent-decoded (the router hands it over raw).
    static func pathParameter(_ context: Context, _ name: String) throws(APIError) -> String {
        guard let raw = context.parameters.get(name), let value = raw.removingPercentEncoding, !value.isEmpty else {
            throw APIError.badRequest("the \(name) in the path is empty or not valid percent-encoded UTF-8")
        }
        return value
    }

    func tenants(_ request: Request) async throws(APIError) -> Response {
        let grant = try authenticator.grant(authorization: request.headers[.authorization])
        _ = try QueryReader(request.queryPairs, allowed: [])
        let codes = await controlPlane.tenantCodes().filter(grant.allows).sorted()
        return APIResponses.json(TenantList(tenants: codes))
    }

    func metrics(_ request: Request) async throws(APIError) -> Response {
        let grant = try authenticator.grant(authorization: request.headers[.authorization])
        _ = try QueryReader(request.queryPairs, allowed: [])
        let snapshot = await controlPlane.metrics()
        let text = PrometheusText.render(snapshot, allowsTenant: grant.allows, includeGlobal: grant.grantsAllTenants)
        return APIResponses.text(text, contentType: PrometheusText.contentType)
    }

    func devices(_ request: Request, _ context: Context) async throws(APIError) -> Response {
        let scope = try await scope(
            request, context, allowed: ["state", "sync", "field", "value", "match", "pageSize", "page"])
        let query = scope.query
        var list = DeviceListQuery()
        for text in query.list("state") {
            list.states.insert(try QueryReader.parse("state", text, DeviceState.self))
        }
        list.sync = try query.choice("sync", SyncStatus.self)
        list.field = try query.choice("field", DeviceListQuery.Field.self)
        list.value = try query.single("value")
        switch (list.field, list.value) {
        case (nil, nil): break
        case (nil, .some): throw APIError.badQuery("value: give field too (one of \(fieldNames))")
        case (.some, nil), (.some, .some("")): throw APIError.badQuery("field: give value too (the text to search for)")
        case let (.some, .some(value)):
            guard value.count <= DeviceListQuery.maximumSearchLength else {
                throw APIError.badQuery(
                    "value: \(value.count) characters; at most \(DeviceListQuery.maximumSearchLength) are allowed")
            }
        }
        switch try query.single("match") {
        case nil, "partial": list.exact = false
        case "exact": list.exact = true
        case let other?: throw APIError.badQuery("match: '\(other)' is not valid; use exact or partial")
        }
        switch try query.single("pageSize") {
        case nil, "all": list.pageSize = nil
        case let text?:
            guard let size = Int(text), DeviceListQuery.pageSizes.contains(size) else {
                let sizes = DeviceListQuery.pageSizes.map(String.init).joined(separator: ", ")
                throw APIError.badQuery("pageSize: '\(text)' is not valid; use all, \(sizes)")
            }
            list.pageSize = size
        }
        list.page = try query.integer("page", in: 1...1_000_000) ?? 1
        return APIResponses.json(try await controlPlane.devices(scope.tenant, query: list))
    }

    private var fieldNames: String { DeviceListQuery.Field.allCases.map(\.rawValue).joined(separator: ", ") }

    func events(_ request: Request, _ context: Context) async throws(APIError) -> Response {
        let scope = try await scope(
            request, context, allowed: ["from", "to", "user", "device", "group", "order", "limit", "format", "bom"])
        let query = scope.query
        var search = EventQuery(tenant: scope.tenant)
        search.from = try query.time("from")
        search.to = try query.time("to")
        search.user = try query.single("user")
        search.device = try query.single("device")
        search.group = try query.single("group")
        search.order = try query.choice("order", EventQuery.Order.self) ?? .descending
        if let text = try query.single("limit") {
            guard let limit = Int(text) else {
                throw APIError.badQuery("limit: '\(text)' is not a whole number; use 1 to \(EventQuery.maximumLimit)")
            }
            search.limit = limit
        }
        do {
            search = try search.validated()
        } catch {
            throw APIError.badQuery(error.description)
        }
        let csv: Bool
        switch try query.single("format") {
        case "csv": csv = true
        case "json": csv = false
        case nil: csv = request.headers[.accept].map(Self.prefersCSV) ?? false
        case let other?: throw APIError.badQuery("format: '\(other)' is not valid; use json or csv")
        }
        let bom = try query.bool("bom") ?? false
        let found = try await controlPlane.events(search)
        guard csv else { return APIResponses.json(found) }
        var response = APIResponses.text(
            EventCSV.render(found, byteOrderMark: bom), contentType: "text/csv; charset=utf-8; header=present")
        response.headers[.contentDisposition] = "attachment; filename=\"events-\(scope.tenant).csv\""
        return response
    }

    /// Whether an Accept header asks for CSV rather than JSON (`text/csv` listed, JSON not listed first).
    static func prefersCSV(_ accept: String) -> Bool {
        let types = accept.split(separator: ",").map {
            $0.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        }
        guard let csv = types.firstIndex(of: "text/csv") else { return false }
        let json = types.firstIndex(of: "application/json") ?? Int.max
        return csv < json
    }
}

extension Request {
    /// The query parameters, values percent-decoded, in order.
    var queryPairs: [(name: String, value: String)] {
        uri.queryParameters.map { (String($0.key), String($0.value)) }
    }
}
