import CMSAPI
import CMSModel
import Foundation
import HTTPTypes
import Hummingbird

extension Dashboard {
    /// Server-Sent Events for the open page: `events` (new events, oldest first, each batch's last id as the SSE id so
    /// a reconnecting browser resumes after the last one it got), `device` (the row of a device an event named — its
    /// state changed, a run finished), `counts` (the 7 state counters). The reads are the tenant's one ``LiveHub``
    /// loop, shared by every open page; the session is checked at each update (a logout or an idle end stops it).
    func live(_ request: Request) async -> Response {
        guard let session = await session(request) else { return plain(.unauthorized, "not logged in") }
        let language = Self.language(request)
        let resumeAfter = request.headers[HTTPField.Name("Last-Event-ID")!].flatMap { Int64($0) }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-store"
        let (controlPlane, sessions, hub, now) = (self.controlPlane, self.sessions, self.liveHub, self.now)
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
            let (id, updates) = hub.join(tenant)
            defer { hub.leave(tenant, id: id) }
            var lastID: Int64 = 0
            // A reconnecting browser first gets what it missed (the newest 1000 at most), then the shared feed.
            if let resumeAfter {
                lastID = resumeAfter
                let newest = (try? await controlPlane.events(EventQuery(tenant: tenant, order: .descending, limit: 1000))) ?? []
                let missed = Array(newest.filter { ($0.id ?? 0) > resumeAfter }.reversed())
                if let last = missed.last {
                    lastID = last.id ?? lastID
                    try await send("events", missed.map(LiveEvent.init), id: lastID)
                }
            }
            var lastCounts: [String: Int] = [:]
            var ticks = 0
            for await update in updates {
                guard case .active(let current) = sessions.lookup(cookie, now: now()), current.tenant == tenant else {
                    try await send("end", ["reason": "session"])
                    break
                }
                switch update {
                case .events(let events):
                    let fresh = events.filter { ($0.id ?? 0) > lastID }
                    guard let last = fresh.last else { continue }
                    lastID = last.id ?? lastID
                    try await send("events", fresh.map(LiveEvent.init), id: lastID)
                case .devices(let rows):
                    for row in rows { try await send("device", LiveDevice(row, language)) }
                case .counts(let counts):
                    guard counts != lastCounts else { continue }
                    lastCounts = counts
                    try await send("counts", counts)
                case .tick:
                    ticks += 1
                    if ticks % 25 == 0 { try await writer.write(ByteBuffer(string: ": keep-alive\n\n")) }
                }
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
