import CMSAPI
import CMSModel
import Foundation
import HTTPTypes
import Hummingbird

extension Dashboard {
    /// Server-Sent Events for the open page: `events` (new events, oldest first, each with its id as the SSE id so a
    /// reconnecting browser resumes after the last one it got), `device` (the row of a device an event named — its
    /// state changed, a run finished), `counts` (the 7 state counters). It polls the control plane every
    /// `livePollInterval`, the same reads the pages make; the session is checked each time (a logout ends it).
    func live(_ request: Request) async -> Response {
        guard let session = await session(request) else { return plain(.unauthorized, "not logged in") }
        let language = Self.language(request)
        let resumeAfter = request.headers[HTTPField.Name("Last-Event-ID")!].flatMap { Int64($0) }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-store"
        let (controlPlane, sessions, interval, now) = (self.controlPlane, self.sessions, configuration.livePollInterval, self.now)
        let cookie = request.cookies[Self.sessionCookie]?.value
        let tenant = session.tenant
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            func send(_ event: String, _ json: some Encodable, id: Int64? = nil) async throws {
                let data = try JSONEncoder().encode(json)
                var text = id.map { "id: \($0)\n" } ?? ""
                text += "event: \(event)\ndata: " + String(decoding: data, as: UTF8.self) + "\n\n"
                try await writer.write(ByteBuffer(string: text))
            }
            try await writer.write(ByteBuffer(string: "retry: 1000\n: cmsd live feed\n\n"))
            // Where the feed starts: after the newest event now (or the one a reconnecting browser names).
            let newest = try? await controlPlane.events(EventQuery(tenant: tenant, order: .descending, limit: 1)).first
            var lastID = resumeAfter ?? newest?.id ?? 0
            var lastTime = newest?.time ?? Timestamp(microsecondsSince1970: 0)
            if resumeAfter != nil { lastTime = lastTime - .seconds(300) }
            var lastCounts: [String: Int] = [:]
            var tick = 0
            while !Task.isCancelled {
                guard case .active(let current) = sessions.lookup(cookie, now: now()), current.tenant == tenant else {
                    try await send("end", ["reason": "session"])
                    break
                }
                var fresh: [Event] = []
                var query = EventQuery(tenant: tenant, order: .ascending, limit: 1000)
                query.from = lastTime
                if let found = try? await controlPlane.events(query) {
                    fresh = found.filter { ($0.id ?? 0) > lastID }
                }
                if let last = fresh.last {
                    lastID = last.id ?? lastID
                    lastTime = last.time
                    try await send("events", fresh.map(LiveEvent.init), id: lastID)
                    for code in Set(fresh.compactMap(\.device)).sorted() {
                        let query = DeviceListQuery(field: .code, value: code, exact: true)
                        if let row = try? await controlPlane.devices(tenant, query: query).devices.first {
                            try await send("device", LiveDevice(row, language))
                        }
                    }
                }
                if !fresh.isEmpty || tick % 10 == 0 {
                    var counts: [String: Int] = [:]
                    for state in DeviceState.allCases {
                        let page = try? await controlPlane.devices(tenant, query: DeviceListQuery(states: [state], pageSize: 16))
                        counts[state.rawValue] = page?.total ?? 0
                    }
                    if counts != lastCounts {
                        lastCounts = counts
                        try await send("counts", counts)
                    } else if tick % 25 == 0 {
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    }
                }
                tick += 1
                try await Task.sleep(for: interval)
            }
            try await writer.finish(nil)
        })
    }
}

/// An event as the live feed sends it.
struct LiveEvent: Encodable {
    var id: Int64?
    var time: String
    var type: String
    var severity: String
    var device: String
    var group: String
    var user: String
    var revision: String
    var message: String

    init(_ event: Event) {
        id = event.id
        time = event.time.iso8601
        type = event.type.rawValue
        severity = event.severity.rawValue
        device = event.device ?? ""
        group = event.group ?? ""
        user = event.user ?? ""
        revision = event.revision.map { String($0.prefix(10)) } ?? ""
        message = event.message
    }
}

/// A device row as the live feed sends it.
struct LiveDevice: Encodable {
    var code: String
    var state: String
    var stateLabel: String
    var sync: String
    var firmware: String
    var hostname: String
    var address: String

    init(_ device: DeviceSummary, _ language: Language) {
        code = device.code
        state = device.state.rawValue
        stateLabel = Labels.state(device.state.rawValue, language)
        sync = device.sync.rawValue
        firmware = device.firmwareVersion ?? device.lastSeen?.firmwareVersion ?? ""
        hostname = device.hostname ?? device.lastSeen?.hostname ?? ""
        address = device.controlAddress ?? ""
    }
}
