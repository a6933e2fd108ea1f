/// A search of one tenant's event log, exactly as the original's log search (SPEC §9, guide §3.2.4).
///
/// - Period: `from`/`to`, both inclusive; nil means from the oldest / up to the newest event.
/// - Filters `device`, `group`: exact match; nil or empty means no filter.
/// - Filter `user`: the event's user exactly, or — the user of a git change is the commit author
///   `Name <email>` — the author's name exactly or the author's e-mail (ASCII case-insensitive), so that
///   `--user Alice`, `--user alice@example.com` and `--user "Alice <alice@example.com>"` all find Alice's commits.
/// - `ascending` returns the OLDEST `limit` matching events, oldest first; `descending` returns the
///   NEWEST `limit`, newest first. Events with equal time are ordered by id (append order).
public struct EventQuery: Sendable, Hashable, Codable {
    /// Result order and which end of the log the limit keeps.
    public enum Order: String, Sendable, Hashable, Codable, CaseIterable {
        case ascending
        case descending
    }

    /// The original's result size.
    public static let defaultLimit = 5000
    /// The largest result a query may ask for.
    public static let maximumLimit = 100_000
    /// Filter lengths (characters): device and group those of the original; a user filter takes a whole git author
    /// `Name <email>` (an e-mail alone may have 254).
    public static let maximumUserLength = 320
    public static let maximumDeviceLength = 16
    public static let maximumGroupLength = 32

    public var tenant: String
    public var from: Timestamp?
    public var to: Timestamp?
    public var user: String?
    public var device: String?
    public var group: String?
    public var order: Order
    public var limit: Int

    public init(
        tenant: String, from: Timestamp? = nil, to: Timestamp? = nil, user: String? = nil, device: String? = nil,
        group: String? = nil, order: Order = .descending, limit: Int = EventQuery.defaultLimit
    ) {
        self.tenant = tenant
        self.from = from
        self.to = to
        self.user = user
        self.device = device
        self.group = group
        self.order = order
        self.limit = limit
    }

    /// The query with empty filters turned into nil, or the first problem with it.
    public func validated() throws(EventQueryError) -> EventQuery {
        guard !tenant.isEmpty else { throw .missingTenant }
        func check(
            _ value: String?, _ field: EventQueryError.Field, _ maximum: Int
        ) throws(EventQueryError) -> String? {
            guard let value, !value.isEmpty else { return nil }
            guard value.count <= maximum else { throw .tooLong(field: field, length: value.count, maximum: maximum) }
            return value
        }
        var query = self
        query.user = try check(user, .user, Self.maximumUserLength)
        query.device = try check(device, .device, Self.maximumDeviceLength)
        query.group = try check(group, .group, Self.maximumGroupLength)
        guard (1...Self.maximumLimit).contains(limit) else { throw .limitOutOfRange(limit, maximum: Self.maximumLimit) }
        if let from, let to, from > to { throw .periodReversed(from: from, to: to) }
        return query
    }

    /// Whether an event passes the tenant, period and filters (not the limit). Call on a validated query.
    public func matches(_ event: Event) -> Bool {
        guard event.tenant == tenant else { return false }
        if let from, event.time < from { return false }
        if let to, event.time > to { return false }
        if let user, !Self.user(event.user, matches: user) { return false }
        if let device, event.device != device { return false }
        if let group, event.group != group { return false }
        return true
    }

    /// The `user` filter (the SQLite store runs the same comparison in SQL): the whole user, the name before
    /// ` <`, or the e-mail between `<` and `>` (ASCII case-insensitive).
    public static func user(_ user: String?, matches filter: String) -> Bool {
        guard let user else { return false }
        if user == filter || user.utf8.starts(with: (filter + " <").utf8) { return true }
        return asciiLowercased(user).utf8.reversed().starts(with: asciiLowercased("<" + filter + ">").utf8.reversed())
    }

    /// SQLite's `lower()`: only A–Z change.
    static func asciiLowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
