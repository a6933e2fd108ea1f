/// What a queued run does to a device, for the per-tenant caps (issue 10).
public enum WorkKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A configuration run (read, plan, confirmed commit): cheap for the device, capped high.
    case config
    /// An operation that takes the device out of service for a while (firmware, reboot, restore): capped by the
    /// tenant's `rollout.maxConcurrent`, so a bad image or a bad restore cannot take a whole fleet down at once.
    case disruptive
}

/// One tenant's caps on runs at once, one per ``WorkKind``. Both count against the queue's global cap too.
public struct TenantLimits: Sendable, Hashable {
    /// Configuration runs at once (default 256: a confirmed commit is cheap and safe to run wide).
    public var config: Int
    /// Disruptive operations at once (the tenant's `rollout.maxConcurrent`, at most 40 — SPEC §5).
    public var disruptive: Int

    public static let defaultConfig = 256
    public static let defaultDisruptive = 40

    /// Values below 1 count as 1.
    public init(config: Int = TenantLimits.defaultConfig, disruptive: Int = TenantLimits.defaultDisruptive) {
        self.config = max(config, 1)
        self.disruptive = max(disruptive, 1)
    }

    public subscript(kind: WorkKind) -> Int {
        switch kind {
        case .config: config
        case .disruptive: disruptive
        }
    }
}

/// One queued or running piece of work: a device and what is to be done to it.
public struct WorkItem: Sendable, Hashable, CustomStringConvertible {
    public var key: DeviceKey
    public var kind: WorkKind

    public init(_ key: DeviceKey, kind: WorkKind = .config) {
        self.key = key
        self.kind = kind
    }

    public var description: String { "\(key) (\(kind.rawValue))" }
}
