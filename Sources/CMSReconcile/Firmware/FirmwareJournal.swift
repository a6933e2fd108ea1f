import CMSModel

/// The durable record that makes firmware flashing exactly-once across crashes (docs/firmware.md § Exactly once):
/// an intent is written **before** each firmware-update RPC and closed when the device's outcome is known; the
/// rollouts themselves are saved after every step. A restarted `cmsd` never sends the RPC again for an open intent:
/// it waits for the device to come back on the version (done), or for the deadline.
public struct FirmwareIntent: Sendable, Equatable, Hashable, Codable {
    public var tenant: String
    public var device: String
    public var rollout: String
    public var image: String
    public var sha256: String
    public var version: String
    /// When the RPC was about to be sent.
    public var started: Timestamp
    /// 1 for the first transfer, more after failed transfers (the device was never rebooted by those).
    public var attempt: Int

    public init(
        tenant: String, device: String, rollout: String, image: String, sha256: String, version: String,
        started: Timestamp, attempt: Int = 1
    ) {
        self.tenant = tenant
        self.device = device
        self.rollout = rollout
        self.image = image
        self.sha256 = sha256
        self.version = version
        self.started = started
        self.attempt = attempt
    }
}

/// Port: where rollouts and intents are kept (SQLite in `cmsd`, memory in tests).
public protocol FirmwareJournal: Sendable {
    func saveRollout(tenant: String, _ rollout: FirmwareRollout) async throws
    func rollouts(tenant: String) async throws -> [FirmwareRollout]
    func deleteRollout(tenant: String, id: String) async throws
    /// Written and synced before the RPC leaves.
    func openIntent(_ intent: FirmwareIntent) async throws
    func closeIntent(tenant: String, device: String) async throws
    func openIntents(tenant: String) async throws -> [FirmwareIntent]
}

/// The in-memory journal (tests, tools).
public actor InMemoryFirmwareJournal: FirmwareJournal {
    private var rolloutsByTenant: [String: [String: FirmwareRollout]] = [:]
    private var intents: [String: [String: FirmwareIntent]] = [:]

    public init() {}

    public func saveRollout(tenant: String, _ rollout: FirmwareRollout) {
        rolloutsByTenant[tenant, default: [:]][rollout.id] = rollout
    }

    public func rollouts(tenant: String) -> [FirmwareRollout] {
        (rolloutsByTenant[tenant] ?? [:]).values.sorted { ($0.created, $0.id) < ($1.created, $1.id) }
    }

    public func deleteRollout(tenant: String, id: String) { rolloutsByTenant[tenant]?[id] = nil }

    public func openIntent(_ intent: FirmwareIntent) { intents[intent.tenant, default: [:]][intent.device] = intent }

    public func closeIntent(tenant: String, device: String) { intents[tenant]?[device] = nil }

    public func openIntents(tenant: String) -> [FirmwareIntent] {
        (intents[tenant] ?? [:]).values.sorted { $0.device < $1.device }
    }
}
