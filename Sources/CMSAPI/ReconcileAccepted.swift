/// Answer to `POST …/reconcile`: which devices were enqueued.
public struct ReconcileAccepted: Sendable, Hashable, Codable {
    public var devices: [String]
    public init(devices: [String]) { self.devices = devices }
}

/// Answer to `POST …/refresh` (the webhook).
public struct RefreshResult: Sendable, Hashable, Codable {
    public var revision: String
    /// True when the tip differs from the last attempted revision (it is then loaded, linted, applied).
    public var isNew: Bool
    public init(revision: String, isNew: Bool) {
        self.revision = revision
        self.isNew = isNew
    }
}
