import CMSModel
import CMSStore
import Testing

/// One suite, run against the in-memory store and the SQLite store: both must behave the same.
@Suite("Event stores")
struct EventStoreTests {
    static let t0 = Timestamp.seconds(1_800_000_000)

    /// Tenant `acme`: 20 events one second apart, devices nxr0…nxr3, groups g0/g1, users alice/bob;
    /// tenant `other`: 5 events with the same devices, groups and users.
    static func seed(_ store: any EventStore) async throws {
        var events: [Event] = []
        for index in 0..<20 {
            events.append(
                Event(
                    time: t0 + .seconds(index), tenant: "acme", type: .deviceConnectSucceeded,
                    device: "nxr\(index % 4)", group: "g\(index % 2)", user: index % 3 == 0 ? "alice" : "bob",
                    details: ["n": String(index)]))
        }
        for index in 0..<5 {
            events.append(
                Event(
                    time: t0 + .seconds(index), tenant: "other", type: .deviceDisconnected, device: "nxr\(index % 4)",
                    group: "g0", user: "alice", details: ["n": "other\(index)"]))
        }
        try await store.append(events)
    }

    static func numbers(_ events: [Event]) -> [String] { events.map { $0.details["n"] ?? "?" } }

    @Test("append assigns increasing ids and returns the events otherwise unchanged", arguments: StoreKind.allCases)
    func appendAssignsIDs(kind: StoreKind) async throws {
        let (store, cleanup) = try kind.make()
        defer { cleanup() }
        let input = [
            Event(
                time: Self.t0, tenant: "acme", type: .crpUnregisteredDevice, device: "nxr9",
                details: ["address": "127.0.0.1", "quote": "a \"b\", c"]),
            Event(
                time: Self.t0 + .microseconds(1), tenant: "acme", type: .gitApplyFailed, device: "nxr9",
                group: "tokyo", user: "Alice Dev", revision: "0123abcd", details: ["error": "日本語 ok"]),
        ]
        let stored = try await store.append(input)
        #expect(stored.count == 2)
        let ids = stored.compactMap(\.id)
        #expect(ids.count == 2 && ids[0] < ids[1])
        let back = try await store.search(EventQuery(tenant: "acme", order: .ascending))
        #expect(back == stored)
        #expect(
            back.map {
                var e = $0; e.id = nil; return e
            } == input)
        let more = try await store.append([input[0]])
        #expect((more[0].id ?? 0) > ids[1])
    }

    @Test(
        "ascending returns the oldest N oldest-first; descending the newest N newest-first",
        arguments: StoreKind.allCases)
    func orderAndLimit(kind: StoreKind) async throws {
        let (store, cleanup) = try kind.make()
        defer { cleanup() }
        try await Self.seed(store)
        let oldest = try await store.search(EventQuery(tenant: "acme", order: .ascending, limit: 3))
        #expect(Self.numbers(oldest) == ["0", "1", "2"])
        let newest = try await store.search(EventQuery(tenant: "acme", order: .descending, limit: 3))
        #expect(Self.numbers(newest) == ["19", "18", "17"])
        let latest = try await store.latest(tenant: "acme", limit: 2)
        #expect(Self.numbers(latest) == ["19", "18"])
        let all = try await store.search(EventQuery(tenant: "acme"))
        #expect(all.count == 20)
    }

    /// (filter description, query, expected `n` details in ascending order)
    static let filterCases: [(String, EventQuery, [String])] = [
        (
            "period inclusive at both ends",
            EventQuery(tenant: "acme", from: t0 + .seconds(5), to: t0 + .seconds(8), order: .ascending),
            ["5", "6", "7", "8"]
        ),
        (
            "empty start means from the oldest",
            EventQuery(tenant: "acme", to: t0 + .seconds(2), order: .ascending), ["0", "1", "2"]
        ),
        (
            "empty end means up to the newest",
            EventQuery(tenant: "acme", from: t0 + .seconds(18), order: .ascending), ["18", "19"]
        ),
        (
            "device exact match", EventQuery(tenant: "acme", device: "nxr3", order: .ascending),
            ["3", "7", "11", "15", "19"]
        ),
        ("device match is exact, not partial", EventQuery(tenant: "acme", device: "nxr", order: .ascending), []),
        ("device match is case-sensitive", EventQuery(tenant: "acme", device: "NXR3", order: .ascending), []),
        (
            "group exact match with device",
            EventQuery(tenant: "acme", device: "nxr1", group: "g1", order: .ascending), ["1", "5", "9", "13", "17"]
        ),
        (
            "group that matches no device of the filter",
            EventQuery(tenant: "acme", device: "nxr1", group: "g0", order: .ascending), []
        ),
        (
            "user exact match", EventQuery(tenant: "acme", user: "alice", order: .ascending),
            ["0", "3", "6", "9", "12", "15", "18"]
        ),
        (
            "all filters and a period",
            EventQuery(
                tenant: "acme", from: t0 + .seconds(1), to: t0 + .seconds(13), user: "bob", device: "nxr1",
                group: "g1", order: .ascending), ["1", "5", "13"]
        ),
        (
            "empty filter strings mean no filter",
            EventQuery(tenant: "acme", user: "", device: "", group: "", order: .ascending, limit: 2), ["0", "1"]
        ),
        (
            "limit applies after the filters, newest end for descending",
            EventQuery(tenant: "acme", user: "alice", order: .descending, limit: 2), ["18", "15"]
        ),
    ]

    @Test("filters are exact-match and combine with the period", arguments: StoreKind.allCases)
    func filters(kind: StoreKind) async throws {
        let (store, cleanup) = try kind.make()
        defer { cleanup() }
        try await Self.seed(store)
        for (name, query, expected) in Self.filterCases {
            let result = try await store.search(query)
            #expect(Self.numbers(result) == expected, "\(name)")
        }
    }

    @Test("a query never returns another tenant's events", arguments: StoreKind.allCases)
    func tenantIsolation(kind: StoreKind) async throws {
        let (store, cleanup) = try kind.make()
        defer { cleanup() }
        try await Self.seed(store)
        let queries = [
            EventQuery(tenant: "other"), EventQuery(tenant: "other", user: "alice"),
            EventQuery(tenant: "other", device: "nxr0"), EventQuery(tenant: "other", group: "g0", order: .ascending),
        ]
        for query in queries {
            let result = try await store.search(query)
            #expect(!result.isEmpty)
            #expect(result.allSatisfy { $0.tenant == "other" && ($0.details["n"] ?? "").hasPrefix("other") })
        }
        #expect(try await store.search(EventQuery(tenant: "nobody")).isEmpty)
        #expect(try await store.latest(tenant: "acme").allSatisfy { $0.tenant == "acme" })
    }

    @Test("events with the same time keep their append order", arguments: StoreKind.allCases)
    func sameTimeOrder(kind: StoreKind) async throws {
        let (store, cleanup) = try kind.make()
        defer { cleanup() }
        let events = (0..<4).map {
            Event(time: Self.t0, tenant: "acme", type: .gitApplyStarted, details: ["n": String($0)])
        }
        try await store.append(events)
        #expect(
            Self.numbers(try await store.search(EventQuery(tenant: "acme", order: .ascending)))
                == ["0", "1", "2", "3"])
        #expect(
            Self.numbers(try await store.search(EventQuery(tenant: "acme", order: .descending)))
                == ["3", "2", "1", "0"])
    }

    /// (query, expected error)
    static let invalidCases: [(EventQuery, EventQueryError)] = [
        (EventQuery(tenant: ""), .missingTenant),
        (
            EventQuery(tenant: "acme", user: String(repeating: "u", count: EventQuery.maximumUserLength + 1)),
            .tooLong(field: .user, length: EventQuery.maximumUserLength + 1, maximum: EventQuery.maximumUserLength)
        ),
        (
            EventQuery(tenant: "acme", device: String(repeating: "d", count: 17)),
            .tooLong(field: .device, length: 17, maximum: 16)
        ),
        (
            EventQuery(tenant: "acme", group: String(repeating: "グ", count: 33)),
            .tooLong(field: .group, length: 33, maximum: 32)
        ),
        (EventQuery(tenant: "acme", limit: 0), .limitOutOfRange(0, maximum: EventQuery.maximumLimit)),
        (
            EventQuery(tenant: "acme", limit: EventQuery.maximumLimit + 1),
            .limitOutOfRange(EventQuery.maximumLimit + 1, maximum: EventQuery.maximumLimit)
        ),
        (
            EventQuery(tenant: "acme", from: t0 + .seconds(1), to: t0),
            .periodReversed(from: t0 + .seconds(1), to: t0)
        ),
    ]

    @Test(
        "over-long filters and bad limits or periods are refused with a typed error",
        arguments: StoreKind.allCases)
    func validation(kind: StoreKind) async throws {
        let (store, cleanup) = try kind.make()
        defer { cleanup() }
        for (query, expected) in Self.invalidCases {
            await #expect(throws: expected) { try await store.search(query) }
        }
        // The longest allowed values are accepted.
        let longest = EventQuery(
            tenant: "acme", user: String(repeating: "u", count: EventQuery.maximumUserLength),
            device: String(repeating: "d", count: 16), group: String(repeating: "グ", count: 32))
        #expect(try await store.search(longest).isEmpty)
    }

    @Test("the default limit is 5000", arguments: StoreKind.allCases)
    func defaultLimit(kind: StoreKind) async throws {
        let (store, cleanup) = try kind.make()
        defer { cleanup() }
        let events = (0..<5003).map {
            Event(
                time: Self.t0 + .milliseconds($0), tenant: "acme", type: .syslogFetchSucceeded,
                details: ["n": String($0)])
        }
        try await store.append(events)
        let newest = try await store.search(EventQuery(tenant: "acme"))
        #expect(newest.count == 5000)
        #expect(newest.first?.details["n"] == "5002")
        #expect(newest.last?.details["n"] == "3")
    }
}
