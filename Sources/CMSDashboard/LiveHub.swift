import CMSAPI
import CMSModel
import Foundation
import Synchronization

/// What the live feed of one tenant saw in one look: new events (oldest first), the rows of the devices they name,
/// the 7 state counters when they changed; `tick` when nothing happened (the pages' keep-alive and session checks).
enum LiveUpdate: Sendable {
    case events([Event])
    case devices([DeviceSummary])
    case counts([String: Int])
    case tick
}

/// The live feed's one reader per tenant: however many pages are open on a tenant, one loop reads the control plane
/// every `interval` (new events, the rows they name, the counters) and hands each update to every open page. The
/// loop starts with the tenant's first page and ends with its last.
final class LiveHub: Sendable {
    /// The reads the loop makes (the control plane's, or a test's).
    struct Source: Sendable {
        var events: @Sendable (EventQuery) async throws -> [Event]
        var devices: @Sendable (String, DeviceListQuery) async throws -> [DeviceSummary]
    }

    private struct Feed {
        var pages: [UInt64: AsyncStream<LiveUpdate>.Continuation] = [:]
        var loop: Task<Void, Never>?
        var counts: [String: Int]?
    }

    private let source: Source
    private let interval: Duration
    private let clock: any Clock<Duration>
    private let feeds = Mutex<(next: UInt64, byTenant: [String: Feed])>((0, [:]))

    init(source: Source, interval: Duration, clock: any Clock<Duration>) {
        self.source = source
        self.interval = interval
        self.clock = clock
    }

    /// The updates of `tenant` from now on, until ``leave(_:id:)``; the counters last seen come first.
    func join(_ tenant: String) -> (id: UInt64, updates: AsyncStream<LiveUpdate>) {
        let (stream, continuation) = AsyncStream<LiveUpdate>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let id = feeds.withLock { state -> UInt64 in
            state.next += 1
            var feed = state.byTenant[tenant] ?? Feed()
            feed.pages[state.next] = continuation
            if let counts = feed.counts { continuation.yield(.counts(counts)) }
            if feed.loop == nil {
                feed.loop = Task { [weak self] in await self?.run(tenant) }
            }
            state.byTenant[tenant] = feed
            return state.next
        }
        continuation.onTermination = { [weak self] _ in self?.leave(tenant, id: id) }
        return (id, stream)
    }

    /// A page closed; the tenant's loop stops with its last page.
    func leave(_ tenant: String, id: UInt64) {
        let finished = feeds.withLock { state -> Task<Void, Never>? in
            guard var feed = state.byTenant[tenant], feed.pages.removeValue(forKey: id) != nil else { return nil }
            guard feed.pages.isEmpty else {
                state.byTenant[tenant] = feed
                return nil
            }
            state.byTenant[tenant] = nil
            return feed.loop
        }
        finished?.cancel()
    }

    /// How many tenants have a loop running (for tests and the doubts of docs/dashboard.md).
    var runningLoops: Int { feeds.withLock { $0.byTenant.values.filter { $0.loop != nil }.count } }

    private func send(_ tenant: String, _ update: LiveUpdate) {
        let pages = feeds.withLock { state -> [AsyncStream<LiveUpdate>.Continuation] in
            if case .counts(let counts) = update { state.byTenant[tenant]?.counts = counts }
            return state.byTenant[tenant].map { Array($0.pages.values) } ?? []
        }
        for page in pages { page.yield(update) }
    }

    /// The tenant's loop: after the newest event now, every `interval`, the same reads the pages make.
    private func run(_ tenant: String) async {
        let newest = try? await source.events(EventQuery(tenant: tenant, order: .descending, limit: 1)).first
        var lastID = newest?.id ?? 0
        var lastTime = newest?.time ?? Timestamp(microsecondsSince1970: 0)
        var lastCounts: [String: Int] = [:]
        var tick = 0
        while !Task.isCancelled {
            var query = EventQuery(tenant: tenant, order: .ascending, limit: 1000)
            query.from = lastTime
            let fresh = ((try? await source.events(query)) ?? []).filter { ($0.id ?? 0) > lastID }
            if let last = fresh.last {
                lastID = last.id ?? lastID
                lastTime = last.time
                send(tenant, .events(fresh))
                var rows: [DeviceSummary] = []
                for code in Set(fresh.compactMap(\.device)).sorted() {
                    let query = DeviceListQuery(field: .code, value: code, exact: true)
                    if let row = try? await source.devices(tenant, query).first { rows.append(row) }
                }
                if !rows.isEmpty { send(tenant, .devices(rows)) }
            }
            if !fresh.isEmpty || tick % 10 == 0 {
                var counts: [String: Int] = [:]
                for state in DeviceState.allCases { counts[state.rawValue] = 0 }
                if let all = try? await source.devices(tenant, DeviceListQuery()) {
                    for device in all { counts[device.state.rawValue, default: 0] += 1 }
                    if counts != lastCounts {
                        lastCounts = counts
                        send(tenant, .counts(counts))
                    }
                }
            }
            if fresh.isEmpty { send(tenant, .tick) }
            tick += 1
            do { try await clock.sleep(for: interval) } catch { break }
        }
    }
}
