/// The daemon's durable state besides the event log: device and tenant records and open apply
/// intents. Implementations: ``InMemoryStateStore`` (tests) and `CMSStore.SQLiteStateStore`.
///
/// A call that returned has reached the store (for SQLite: on disk, `synchronous=FULL`).
public protocol StateStore: Sendable {
    /// Every device record of a tenant, sorted by code.
    func devices(tenant: String) async throws -> [DeviceRecord]
    /// Inserts or replaces the record of (`tenant`, `code`).
    func save(_ record: DeviceRecord) async throws
    /// Removes a device record; no error when there is none.
    func deleteDevice(tenant: String, code: String) async throws
    func tenant(_ code: String) async throws -> TenantRecord?
    /// Inserts or replaces a tenant record.
    func save(_ record: TenantRecord) async throws
    /// Records that an apply began; returns the intent's id.
    func beginApply(_ intent: ApplyIntent) async throws -> Int64
    /// Records that the apply `id` ended (whatever its outcome); no error for an unknown id.
    func endApply(_ id: Int64) async throws
    /// Applies begun and never ended (the daemon died mid-apply), oldest first, with their ids.
    func openApplies() async throws -> [ApplyIntent]
}
