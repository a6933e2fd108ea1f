import CMSModel
import Foundation

/// What `cmsd` remembers of one schedule between runs (and across a crash): the version it knows, since when, and the
/// last due time it handled (fired or reported missed). Stored durably *before* a fire is carried out, so a restart
/// never fires the same due time twice.
public struct ScheduleLedgerEntry: Sendable, Equatable, Codable {
    public var name: String
    /// The schedule's firing fields (``ScheduleBook/fingerprint(_:)``); a change is a new version.
    public var fingerprint: String
    /// When this version became known: fires after this instant are due.
    public var since: Timestamp
    /// The last due time handled (fired or reported missed); nil before the first.
    public var handled: Timestamp?
    /// The last due time actually fired.
    public var lastFire: Timestamp?
    /// A once-only schedule that has fired (or whose one fire was missed).
    public var done: Bool
    /// A fire claimed (stored) and not yet carried out to its end: set on a restart means `cmsd` stopped mid-fire;
    /// that due time is reported, never run again.
    public var firing: Timestamp?

    public init(
        name: String, fingerprint: String, since: Timestamp, handled: Timestamp? = nil, lastFire: Timestamp? = nil,
        done: Bool = false
    ) {
        self.name = name
        self.fingerprint = fingerprint
        self.since = since
        self.handled = handled
        self.lastFire = lastFire
        self.done = done
    }

    /// Fires strictly after this instant are still to come.
    public var reference: Timestamp { max(since, handled ?? since) }
}

/// Where the ledger lives: SQLite in `cmsd` (`CMSStore.SQLiteScheduleLedger`), memory in tests.
public protocol ScheduleLedgerStore: Sendable {
    func entries(tenant: String) async throws -> [ScheduleLedgerEntry]
    /// Saves `entries` and deletes `removed` (names) in one transaction; returns only once durable.
    func save(tenant: String, entries: [ScheduleLedgerEntry], removed: [String]) async throws
    /// The files flagged `schedule` last seen per device (``ScheduleConfigSelection``); nil before the first save.
    func scheduleConfigs(tenant: String) async throws -> [String: String]?
    func saveScheduleConfigs(tenant: String, _ map: [String: String]) async throws
}

/// The ledger in memory (tests, and the socketless core harness).
public final class InMemoryScheduleLedger: ScheduleLedgerStore, @unchecked Sendable {
    private let lock = NSLock()
    private var byTenant: [String: [String: ScheduleLedgerEntry]] = [:]
    /// Saves so far (a test may count writes).
    public private(set) var saves = 0
    private var configs: [String: [String: String]] = [:]

    public init() {}

    public func entries(tenant: String) async throws -> [ScheduleLedgerEntry] {
        lock.withLock { (byTenant[tenant] ?? [:]).values.sorted { $0.name < $1.name } }
    }

    public func save(tenant: String, entries: [ScheduleLedgerEntry], removed: [String]) async throws {
        lock.withLock {
            saves += 1
            for name in removed { byTenant[tenant]?[name] = nil }
            for entry in entries { byTenant[tenant, default: [:]][entry.name] = entry }
        }
    }

    public func scheduleConfigs(tenant: String) async throws -> [String: String]? {
        lock.withLock { configs[tenant] }
    }

    public func saveScheduleConfigs(tenant: String, _ map: [String: String]) async throws {
        lock.withLock { configs[tenant] = map }
    }
}
