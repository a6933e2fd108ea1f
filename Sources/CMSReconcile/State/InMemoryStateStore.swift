/// A ``StateStore`` in memory, for tests and for a daemon run without a data folder.
public actor InMemoryStateStore: StateStore {
    private var deviceRecords: [DeviceKey: DeviceRecord] = [:]
    private var tenantRecords: [String: TenantRecord] = [:]
    private var intents: [Int64: ApplyIntent] = [:]
    private var lastID: Int64 = 0

    public init() {}

    public func devices(tenant: String) -> [DeviceRecord] {
        deviceRecords.values.filter { $0.tenant == tenant }.sorted { $0.code < $1.code }
    }

    public func save(_ record: DeviceRecord) {
        deviceRecords[record.key] = record
    }

    public func deleteDevice(tenant: String, code: String) {
        deviceRecords[DeviceKey(tenant: tenant, device: code)] = nil
    }

    public func tenant(_ code: String) -> TenantRecord? { tenantRecords[code] }

    public func save(_ record: TenantRecord) {
        tenantRecords[record.code] = record
    }

    public func beginApply(_ intent: ApplyIntent) -> Int64 {
        lastID += 1
        var stored = intent
        stored.id = lastID
        intents[lastID] = stored
        return lastID
    }

    public func endApply(_ id: Int64) {
        intents[id] = nil
    }

    public func openApplies() -> [ApplyIntent] {
        intents.values.sorted { ($0.id ?? 0) < ($1.id ?? 0) }
    }
}
