import CMSAPI
import CMSModel
import Foundation
import Hummingbird

extension Dashboard {
    // MARK: - Overview

    /// The 7 device states of SPEC §2 with a counter each (one device-list query per state, as the API's).
    func stateCounts(_ tenant: String) async throws(APIError) -> [(state: DeviceState, count: Int)] {
        var counts: [(DeviceState, Int)] = []
        for state in DeviceState.allCases {
            let page = try await controlPlane.devices(tenant, query: DeviceListQuery(states: [state], pageSize: 16))
            counts.append((state, page.total))
        }
        return counts
    }

    func stateRows(_ counts: [(state: DeviceState, count: Int)], _ language: Language) -> [[String: Any]] {
        counts.map {
            ["state": $0.state.rawValue, "label": Labels.state($0.state.rawValue, language), "count": $0.count]
        }
    }

    func overview(_ request: Request, _ session: DashboardSession) async throws -> Response {
        let language = Self.language(request)
        let status = try await controlPlane.tenantStatus(session.tenant)
        let counts = try await stateCounts(session.tenant)
        let events = try await controlPlane.events(EventQuery(tenant: session.tenant, order: .descending, limit: 20))
        let spec: [[String: Any]] = [
            ["key": "connected", "label": Labels.table(language)["spec.connected"]!, "count": status.counts.connected],
            ["key": "disconnected", "label": Labels.table(language)["spec.disconnected"]!, "count": status.counts.disconnected],
            ["key": "awaitingAddress", "label": Labels.table(language)["spec.awaitingAddress"]!,
             "count": status.counts.awaitingAddress],
            ["key": "suspended", "label": Labels.table(language)["spec.suspended"]!, "count": status.counts.suspended],
        ]
        let failed = status.lastAttemptedRevision != nil && status.lastAttemptedRevision != status.lastAppliedRevision
            && !status.lintErrors.isEmpty
        return await render(
            "overview", request, session, active: "overview",
            [
                "status": [
                    "condition": status.condition.status.rawValue, "reason": status.condition.reason,
                    "message": status.condition.message, "applied": status.lastAppliedRevision ?? "—",
                    "attempted": status.lastAttemptedRevision ?? "—", "failed": failed,
                    "lintErrors": status.lintErrors, "fetchError": status.lastFetchError ?? "",
                    "lastFetch": status.lastFetch?.iso8601 ?? "—", "ready": status.ready,
                    "reconciling": status.reconciling, "stalled": status.stalled,
                    "notCarriedOut": status.notCarriedOut,
                ] as [String: Any],
                "states": stateRows(counts, language), "spec": spec, "events": events.map(Self.eventRow),
                "live": true,
            ])
    }

    static func eventRow(_ event: Event) -> [String: Any] {
        [
            "id": event.id.map(String.init) ?? "", "time": event.time.iso8601, "type": event.type.rawValue,
            "severity": event.severity.rawValue, "device": event.device ?? "", "group": event.group ?? "",
            "user": event.user ?? "", "revision": event.revision.map { String($0.prefix(10)) } ?? "",
            "message": event.message,
        ]
    }

    // MARK: - Device list

    /// The list's query from the page's parameters (the API's names); a bad one is shown, never thrown.
    static func listQuery(_ parameters: [String: [String]]) -> (DeviceListQuery, String?) {
        var query = DeviceListQuery(pageSize: 64)
        var problem: String?
        for text in parameters["state"] ?? [] where !text.isEmpty {
            if let state = DeviceState(rawValue: text) { query.states.insert(state) } else { problem = "state: \(text)?" }
        }
        if let text = parameters["field"]?.first, !text.isEmpty {
            if let field = DeviceListQuery.Field(rawValue: text) { query.field = field } else { problem = "field: \(text)?" }
        }
        if let value = parameters["value"]?.first, !value.isEmpty, query.field != nil {
            if value.count > DeviceListQuery.maximumSearchLength {
                problem = "value: at most \(DeviceListQuery.maximumSearchLength) characters"
            } else {
                query.value = value
            }
        } else {
            query.field = nil
        }
        query.exact = parameters["match"]?.first == "exact"
        switch parameters["pageSize"]?.first {
        case nil, "": break
        case "all": query.pageSize = nil
        case let text?:
            if let size = Int(text), DeviceListQuery.pageSizes.contains(size) { query.pageSize = size }
        }
        query.page = max(1, min(1_000_000, Int(parameters["page"]?.first ?? "") ?? 1))
        return (query, problem)
    }

    static func parameters(_ request: Request) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for (key, value) in request.uri.queryParameters {
            result[String(key), default: []].append(String(value).removingPercentEncoding ?? String(value))
        }
        return result
    }

    static func summaryRow(_ device: DeviceSummary, _ language: Language) -> [String: Any] {
        [
            "code": device.code, "name": device.name, "product": device.product, "state": device.state.rawValue,
            "stateLabel": Labels.state(device.state.rawValue, language), "sync": device.sync.rawValue,
            "firmware": device.firmwareVersion ?? device.lastSeen?.firmwareVersion ?? "",
            "serial": device.serial ?? "", "hostname": device.hostname ?? device.lastSeen?.hostname ?? "",
            "address": device.controlAddress ?? "", "groups": device.groups.joined(separator: ", "), "note": device.note,
        ]
    }

    func deviceList(_ request: Request, _ session: DashboardSession, csv: Bool) async throws -> Response {
        let language = Self.language(request)
        let parameters = Self.parameters(request)
        var (query, problem) = Self.listQuery(parameters)
        if csv {
            query.pageSize = nil
            query.page = 1
            let page = try await controlPlane.devices(session.tenant, query: query)
            var headers = HTTPFields()
            headers[.contentType] = "text/csv; charset=utf-8; header=present"
            headers[.contentDisposition] = "attachment; filename=\"devices-\(session.tenant).csv\""
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers,
                            body: ResponseBody(byteBuffer: ByteBuffer(string: DeviceCSV.render(page.devices))))
        }
        let page = try await controlPlane.devices(session.tenant, query: query)
        let pages = query.pageSize.map { max(1, (page.total + $0 - 1) / $0) } ?? 1
        func link(_ pageNumber: Int) -> String {
            var items = URLComponents()
            var pairs: [URLQueryItem] = query.states.sorted { $0.rawValue < $1.rawValue }.map {
                URLQueryItem(name: "state", value: $0.rawValue)
            }
            if let field = query.field, let value = query.value {
                pairs += [URLQueryItem(name: "field", value: field.rawValue), URLQueryItem(name: "value", value: value),
                          URLQueryItem(name: "match", value: query.exact ? "exact" : "partial")]
            }
            pairs.append(URLQueryItem(name: "pageSize", value: query.pageSize.map(String.init) ?? "all"))
            pairs.append(URLQueryItem(name: "page", value: String(pageNumber)))
            items.queryItems = pairs
            return "/devices" + (items.percentEncodedQuery.map { "?" + $0 } ?? "")
        }
        let csvLink = link(1).replacingOccurrences(of: "/devices?", with: "/devices.csv?")
        let fields: [[String: Any]] = DeviceListQuery.Field.allCases.map {
            ["value": $0.rawValue, "selected": $0 == query.field]
        }
        let sizes: [[String: Any]] = DeviceListQuery.pageSizes.map {
            ["value": String($0), "selected": $0 == query.pageSize]
        } + [["value": "all", "selected": query.pageSize == nil]]
        let states: [[String: Any]] = DeviceState.allCases.map {
            ["value": $0.rawValue, "label": Labels.state($0.rawValue, language), "checked": query.states.contains($0)]
        }
        return await render(
            "devices", request, session, active: "devices",
            [
                "devices": page.devices.map { Self.summaryRow($0, language) }, "total": page.total,
                "page": page.page, "pages": pages, "problem": problem ?? "",
                "previous": page.page > 1 ? link(page.page - 1) : "", "next": page.page < pages ? link(page.page + 1) : "",
                "csvLink": csvLink, "fields": fields, "sizes": sizes, "states": states,
                "value": query.value ?? "", "exact": query.exact, "live": true,
            ])
    }

    // MARK: - Device detail

    func deviceDetail(_ request: Request, _ session: DashboardSession, code: String) async throws -> Response {
        let language = Self.language(request)
        let detail = try await controlPlane.device(session.tenant, code: code)
        let events = try await controlPlane.events(
            EventQuery(tenant: session.tenant, device: code, order: .descending, limit: 100))
        var diff: [[String: Any]] = []
        var diffShown = false
        if Self.parameters(request)["diff"]?.first == "1", let revision = detail.lastAppliedRevision {
            diffShown = true
            let plan = try await controlPlane.plan(session.tenant, revision: revision, native: false)
            for device in plan.devices where device.device == code {
                for part in device.parts { diff.append(["part": part.part, "lines": part.summary]) }
                for note in device.notes { diff.append(["part": "note", "lines": [note]]) }
            }
        }
        let parts: [[String: Any]] = detail.managedParts.keys.sorted().map {
            ["part": $0, "inSync": detail.managedParts[$0] ?? false]
        }
        return await render(
            "device", request, session, active: "devices",
            [
                "device": Self.summaryRow(detail.summary, language),
                "condition": ["status": detail.condition.status.rawValue, "reason": detail.condition.reason,
                              "message": detail.condition.message, "since": detail.condition.since.iso8601] as [String: Any],
                "applied": detail.lastAppliedRevision ?? "—", "attempted": detail.lastAttemptedRevision ?? "—",
                "lastError": detail.lastError ?? "", "hostKey": detail.hostKey ?? "—",
                "uptime": detail.uptimeSeconds.map(String.init) ?? "—",
                "interfaces": detail.interfaces.map {
                    ["name": $0.name, "status": $0.operStatus, "addresses": $0.addresses.joined(separator: ", ")]
                },
                "history": detail.history.map {
                    ["started": $0.started.iso8601, "finished": $0.finished.iso8601, "outcome": $0.outcome.rawValue,
                     "revision": $0.revision.map { String($0.prefix(10)) } ?? "", "parts": $0.parts.joined(separator: ", "),
                     "message": $0.message]
                },
                "parts": parts, "diff": diff, "diffShown": diffShown, "noDiff": diffShown && diff.isEmpty,
                "events": events.map(Self.eventRow), "live": true,
            ])
    }

    // MARK: - Events

    static func time(_ text: String?) -> Timestamp? {
        guard let text, !text.isEmpty else { return nil }
        if let micros = Int64(text) { return Timestamp(microsecondsSince1970: micros) }
        for candidate in [text, text + "Z", text + ":00Z"] {
            if let time = Timestamp(iso8601: candidate) { return time }
        }
        return nil
    }

    func eventsPage(_ request: Request, _ session: DashboardSession, csv: Bool) async throws -> Response {
        let parameters = Self.parameters(request)
        func value(_ name: String) -> String? { parameters[name]?.first.flatMap { $0.isEmpty ? nil : $0 } }
        var query = EventQuery(tenant: session.tenant, order: .descending, limit: 1000)
        var problems: [String] = []
        for name in ["from", "to"] where value(name) != nil && Self.time(value(name)) == nil {
            problems.append("\(name): '\(value(name)!)' is not a time (ISO 8601, e.g. 2026-12-07T09:00Z)")
        }
        query.from = Self.time(value("from"))
        query.to = Self.time(value("to"))
        query.user = value("user")
        query.device = value("device")
        query.group = value("group")
        if value("order") == "ascending" { query.order = .ascending }
        if let limit = value("limit") { query.limit = Int(limit) ?? 1000 }
        do {
            query = try query.validated()
        } catch {
            problems.append(error.description)
            query = EventQuery(tenant: session.tenant, order: .descending, limit: 1000)
        }
        let found = try await controlPlane.events(query)
        if csv {
            var headers = HTTPFields()
            headers[.contentType] = "text/csv; charset=utf-8; header=present"
            headers[.contentDisposition] = "attachment; filename=\"events-\(session.tenant).csv\""
            headers[.cacheControl] = "no-store"
            let bom = value("bom") == "true"
            return Response(status: .ok, headers: headers,
                            body: ResponseBody(byteBuffer: ByteBuffer(string: EventCSV.render(found, byteOrderMark: bom))))
        }
        let filtered = ["from", "to", "user", "device", "group", "limit"].contains { value($0) != nil }
            || query.order == .ascending
        let csvLink = "/events.csv" + (request.uri.query.map { "?" + $0 } ?? "")
        return await render(
            "events", request, session, active: "events",
            [
                "events": found.map(Self.eventRow), "count": found.count, "problems": problems,
                "from": value("from") ?? "", "to": value("to") ?? "", "user": value("user") ?? "",
                "device": value("device") ?? "", "group": value("group") ?? "", "limit": String(query.limit),
                "ascending": query.order == .ascending, "csvLink": csvLink,
                // Unfiltered: the newest 1000, kept live by the feed.
                "liveList": !filtered, "live": true,
            ])
    }

    // MARK: - Groups and IPsec

    func groupsPage(_ request: Request, _ session: DashboardSession, group: String?) async throws -> Response {
        let all = try await controlPlane.devices(session.tenant, query: DeviceListQuery())
        var members: [String: Int] = [:]
        for device in all.devices { for name in device.groups { members[name, default: 0] += 1 } }
        var rows: [[String: Any]] = []
        for name in members.keys.sorted() {
            rows.append(["name": name, "members": members[name]!, "selected": name == group])
        }
        var values: [String: Any] = ["groups": rows, "live": true]
        if let group {
            let refresh = Self.parameters(request)["refresh"]?.first == "1"
            let status = try await controlPlane.ipsecStatus(session.tenant, group: group, refresh: refresh)
            let topology = Topology(status)
            values["ipsec"] = [
                "group": status.group, "type": status.type, "state": status.state.rawValue,
                "fetched": status.fetched?.iso8601 ?? "—", "svg": topology.svg,
                "members": status.members.map { member in
                    [
                        "device": member.device, "role": member.role ?? "", "registration": member.registration.rawValue,
                        "reason": member.reason ?? "",
                        "peers": member.peers.map { "\($0.peer) \($0.selfToPeer.rawValue)/\($0.peerToSelf.rawValue)" }
                            .joined(separator: ", "),
                    ] as [String: Any]
                },
            ] as [String: Any]
        }
        return await render("groups", request, session, active: "groups", values)
    }
}

/// The device list as CSV (RFC 4180; cells that a spreadsheet would read as a formula are prefixed with `'`).
enum DeviceCSV {
    static let header = ["code", "name", "product", "state", "sync", "firmware", "serial", "hostname",
                         "control-ip", "groups", "note"]

    static func render(_ devices: [DeviceSummary]) -> String {
        var out = header.joined(separator: ",") + "\r\n"
        for device in devices {
            let cells = [
                device.code, device.name, device.product, device.state.rawValue, device.sync.rawValue,
                device.firmwareVersion ?? "", device.serial ?? "", device.hostname ?? "", device.controlAddress ?? "",
                device.groups.joined(separator: " "), device.note,
            ]
            out += cells.map(cell).joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func cell(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
        guard value.contains(where: { ",\"\r\n".contains($0) }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
