import CMSModel
import CMSStore
import Foundation
import Testing

@Suite("SQLite event store specifics")
struct SQLiteEventStoreTests {
    @Test("the file uses WAL and synchronous=FULL, and events survive closing and reopening")
    func durability() async throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("events.sqlite").path
        do {
            let store = try SQLiteEventStore(path: path)
            #expect(try await store.pragma("journal_mode") == "wal")
            #expect(try await store.pragma("synchronous") == "2")  // 2 = FULL
            #expect(try await store.pragma("synchronous; DROP TABLE event") == nil)
            try await store.append([
                Event(
                    time: .seconds(5), tenant: "acme", type: .gitRevisionFetched,
                    revision: "abc", details: ["branch": "main"])
            ])
        }
        let reopened = try SQLiteEventStore(path: path)  // migrations run again: must be a no-op
        let events = try await reopened.search(EventQuery(tenant: "acme"))
        #expect(events.count == 1)
        #expect(events.first?.message == "Revision abc fetched")
        #expect(events.first?.details == ["branch": "main"])
        #expect(try await reopened.integrityCheck() == ["ok"])
    }

    @Test("searches use the tenant indexes instead of scanning the table")
    func indexesUsed() async throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteEventStore(path: directory.appendingPathComponent("events.sqlite").path)
        let byTime = try await store.explain(EventQuery(tenant: "acme", from: .seconds(1)))
        #expect(byTime.contains { $0.contains("event_by_tenant_time") }, "\(byTime)")
        let byDevice = try await store.explain(EventQuery(tenant: "acme", device: "nxr01"))
        #expect(byDevice.contains { $0.contains("event_by_tenant_device") }, "\(byDevice)")
        #expect(!(byTime + byDevice).contains { $0.hasPrefix("SCAN event") })
    }

    @Test("erasing a tenant's log leaves other tenants and never reuses ids")
    func erase() async throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteEventStore(path: directory.appendingPathComponent("events.sqlite").path)
        let first = try await store.append([
            Event(time: .seconds(1), tenant: "acme", type: .userLogin, user: "a"),
            Event(time: .seconds(1), tenant: "other", type: .userLogin, user: "b"),
        ])
        try await store.erase(tenant: "acme")
        #expect(try await store.search(EventQuery(tenant: "acme")).isEmpty)
        #expect(try await store.search(EventQuery(tenant: "other")).count == 1)
        let next = try await store.append([Event(time: .seconds(2), tenant: "acme", type: .userLogout, user: "a")])
        #expect((next[0].id ?? 0) > (first.compactMap(\.id).max() ?? 0))
    }
}
