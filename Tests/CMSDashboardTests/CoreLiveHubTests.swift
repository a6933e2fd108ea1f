import CMSAPI
import CMSModel
import Synchronization
import TestSupport
import Testing

@testable import CMSDashboard

/// The live feed reads the control plane once per tenant, not once per open page: two pages of one tenant share one
/// loop (one event search per look), a page opened later gets the counters at once, the loop ends with the last page.
@Suite("Live feed hub", .tags(.core), .timeLimit(.minutes(2)))
struct CoreLiveHubTests {
    /// An in-memory event log and fleet that count the reads made of them.
    final class Reads: Sendable {
        let state = Mutex<(events: [Event], devices: [DeviceSummary], eventSearches: Int, deviceReads: Int)>(([], [], 0, 0))

        func append(_ id: Int64, device: String, state newState: DeviceState) {
            state.withLock { state in
                var event = Event(time: .seconds(1_000 + id), tenant: "acme", type: .deviceDisconnected, device: device)
                event.id = id
                state.events.append(event)
                state.devices = state.devices.map {
                    var row = $0
                    if row.code == device { row.state = newState }
                    return row
                }
            }
        }

        var source: LiveHub.Source {
            LiveHub.Source(
                events: { query in
                    self.state.withLock { state in
                        state.eventSearches += 1
                        let found = state.events.filter { query.from == nil || $0.time >= query.from! }
                        return query.order == .descending ? Array(found.reversed().prefix(query.limit)) : found
                    }
                },
                devices: { _, query in
                    self.state.withLock { state in
                        state.deviceReads += 1
                        return state.devices.filter { query.value == nil || $0.code == query.value }
                    }
                })
        }
    }

    static func next(_ iterator: inout AsyncStream<LiveUpdate>.Iterator, until wanted: (LiveUpdate) -> Bool) async
        -> LiveUpdate?
    {
        while let update = await iterator.next() {
            if wanted(update) { return update }
        }
        return nil
    }

    static func expectCounts(_ iterator: inout AsyncStream<LiveUpdate>.Iterator, connected: Int, disconnected: Int) async {
        guard case .counts(let counts)? = await next(&iterator, until: { if case .counts = $0 { true } else { false } })
        else {
            Issue.record("no counters")
            return
        }
        #expect(counts["connected"] == connected && counts["disconnected"] == disconnected, "\(counts)")
    }

    static func expectDown(_ iterator: inout AsyncStream<LiveUpdate>.Iterator) async {
        guard case .events(let events)? = await next(&iterator, until: { if case .events = $0 { true } else { false } })
        else {
            Issue.record("no events")
            return
        }
        #expect(events.map(\.id) == [7])
        guard case .devices(let rows)? = await next(&iterator, until: { if case .devices = $0 { true } else { false } })
        else {
            Issue.record("no device row")
            return
        }
        #expect(rows.map { "\($0.code) \($0.state.rawValue)" } == ["tokyo-01 disconnected"])
        await expectCounts(&iterator, connected: 1, disconnected: 1)
    }

    @Test func pagesOfATenantShareOneReaderThatStopsWithTheLastPage() async throws {
        let reads = Reads()
        reads.state.withLock {
            $0.devices = [
                DeviceSummary(code: "tokyo-01", product: "NXR-G110", state: .connected, sync: .ready),
                DeviceSummary(code: "osaka-02", product: "NXR-G110", state: .connected, sync: .ready),
            ]
        }
        let clock = ManualClock()
        let hub = LiveHub(source: reads.source, interval: .seconds(1), clock: clock)
        let first = hub.join("acme")
        let second = hub.join("acme")
        #expect(hub.runningLoops == 1)
        #expect(await clock.waitForSleepers(1), "the loop made its first look and waits")
        var a = first.updates.makeAsyncIterator()
        var b = second.updates.makeAsyncIterator()
        // The first look: the counters, to both pages.
        await Self.expectCounts(&a, connected: 2, disconnected: 0)
        await Self.expectCounts(&b, connected: 2, disconnected: 0)

        // tokyo-01 goes down: one look later, both pages get the event, the row and the new counters.
        reads.append(7, device: "tokyo-01", state: .disconnected)
        await clock.advance(by: .seconds(1))
        #expect(await clock.waitForSleepers(1))
        await Self.expectDown(&a)
        await Self.expectDown(&b)
        // One reader: the newest event at start, then one search per look — not one per page.
        #expect(reads.state.withLock { $0.eventSearches } == 3)

        // A page opened now gets the counters at once, from the same loop.
        let third = hub.join("acme")
        var c = third.updates.makeAsyncIterator()
        guard case .counts(let counts)? = await c.next() else { Issue.record("counts on join"); return }
        #expect(counts["disconnected"] == 1)
        #expect(hub.runningLoops == 1)

        // Another tenant has its own loop; the last page of a tenant stops its loop.
        let other = hub.join("globex")
        #expect(hub.runningLoops == 2)
        hub.leave("acme", id: first.id)
        hub.leave("acme", id: second.id)
        #expect(hub.runningLoops == 2)
        hub.leave("acme", id: third.id)
        hub.leave("globex", id: other.id)
        #expect(hub.runningLoops == 0)
        #expect(await settled(timeout: .seconds(60)) { clock.sleepers.isEmpty }, "the loops stopped sleeping")
    }
}
