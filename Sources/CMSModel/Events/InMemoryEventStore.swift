/// An ``EventStore`` kept in memory, with exactly the search semantics of the SQLite store.
public actor InMemoryEventStore: EventStore {
    private var events: [Event] = []
    private var nextID: Int64 = 1

    public init() {}

    @discardableResult
    public func append(_ newEvents: [Event]) throws -> [Event] {
        var stored: [Event] = []
        stored.reserveCapacity(newEvents.count)
        for var event in newEvents {
            event.id = nextID
            nextID += 1
            stored.append(event)
        }
        events.append(contentsOf: stored)
        return stored
    }

    public func search(_ query: EventQuery) throws -> [Event] {
        let query = try query.validated()
        let sorted = events.filter(query.matches).sorted { ($0.time, $0.id ?? 0) < ($1.time, $1.id ?? 0) }
        switch query.order {
        case .ascending: return Array(sorted.prefix(query.limit))
        case .descending: return Array(sorted.reversed().prefix(query.limit))
        }
    }
}
