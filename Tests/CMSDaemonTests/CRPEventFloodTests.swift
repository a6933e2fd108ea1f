import CMSDaemon
import CMSModel
import CRP
import Foundation
import Logging
import Testing

/// Issue 18 item 5: random unregistered device codes (each passing the per-device limit) become one
/// event per source and interval with a count, not one event each; the tables stay bounded.
@Suite struct CRPEventFloodTests {
    /// A monotonic clock the test moves by hand.
    final class ManualUptime: Sendable {
        private let value = Locked(Duration.zero)
        func advance(by step: Duration) { value.withLockedValue { $0 += step } }
        var now: Duration { value.withLockedValue { $0 } }
    }

    static func directory(
        _ events: InMemoryEventStore, _ clock: ManualUptime, limits: DeviceDirectory.Limits = DeviceDirectory.Limits()
    ) async -> DeviceDirectory {
        var logger = Logger(label: "test.flood")
        logger.logLevel = .critical
        let directory = DeviceDirectory(events: events, logger: logger, limits: limits, uptime: { clock.now })
        await directory.setDevices(tenant: "century", agents: [:], serials: [:], suspended: [])
        return directory
    }

    static func ghost(_ n: Int) -> Announcement {
        Announcement(
            customerID: "century", cpeID: "g\(n)", product: "NXR-120",
            advertise: .init(address: .v4(127, 0, 0, 9), port: 22), bootID: 1, sequence: UInt64(n))
    }

    static func events(_ store: InMemoryEventStore) async throws -> [Event] {
        try await store.search(EventQuery(tenant: "century", order: .ascending, limit: 100_000))
    }

    @Test func randomCodesFromOneSourceMakeOneEventAndOneSummaryPerInterval() async throws {
        let store = InMemoryEventStore()
        let clock = ManualUptime()
        let limits = DeviceDirectory.Limits(sourceBurst: 1e9, sourceRefillPerSecond: 1e9)
        let directory = await Self.directory(store, clock, limits: limits)
        for n in 0..<5000 {
            await directory.route(Self.ghost(n), from: "127.0.0.66")
            clock.advance(by: .milliseconds(2))  // 10 s in all
        }
        var events = try await Self.events(store)
        #expect(events.count == 1)
        #expect(events.first?.device == "g0")

        clock.advance(by: .seconds(60))
        await directory.flushReports()
        events = try await Self.events(store)
        #expect(events.count == 2)
        let summary = try #require(events.last)
        #expect(summary.type == .crpUnregisteredDevice)
        #expect(summary.device == nil)
        #expect(summary.details["source"] == "127.0.0.66")
        #expect(summary.details["count"] == "4999")
        #expect(summary.details["summary"] == "4999 more announcements from unknown devices from 127.0.0.66 in the last 60 s")
        #expect(await directory.counters.unregisteredDevice == 5000)
        #expect(await directory.counters.reportsAggregated == 4999)
    }

    @Test func randomCodesFromSpoofedSourcesStayWithinTheEventBudget() async throws {
        let store = InMemoryEventStore()
        let clock = ManualUptime()
        let limits = DeviceDirectory.Limits(reportsPerInterval: 50, reportKeys: 1024)
        let directory = await Self.directory(store, clock, limits: limits)
        for n in 0..<20_000 {
            await directory.route(Self.ghost(n), from: "127.\(n / 65_536 % 256).\(n / 256 % 256).\(n % 256)")
        }
        #expect(try await Self.events(store).count == 50)
        clock.advance(by: .seconds(61))
        await directory.flushReports()
        let events = try await Self.events(store)
        #expect(events.count == 51)
        let overflow = try #require(events.last)
        #expect(overflow.details["source"] == "other")
        #expect(overflow.details["count"] == "19950")
    }
}
