/// Where events are kept: an append-only, per-tenant log (SPEC §9).
///
/// Implementations: ``InMemoryEventStore`` (tests, demos) and the SQLite store of `CMSStore`.
public protocol EventStore: Sendable {
    /// Appends events atomically (all or none) and returns them with their assigned ids, which
    /// increase in append order. An event's own `id` is ignored.
    @discardableResult
    func append(_ events: [Event]) async throws -> [Event]

    /// The events matching a query (validated first; throws ``EventQueryError`` when invalid).
    func search(_ query: EventQuery) async throws -> [Event]
}

extension EventStore {
    /// The newest `limit` events of a tenant, newest first (the live view shows the newest 1000).
    public func latest(tenant: String, limit: Int = 1000) async throws -> [Event] {
        try await search(EventQuery(tenant: tenant, order: .descending, limit: limit))
    }
}
