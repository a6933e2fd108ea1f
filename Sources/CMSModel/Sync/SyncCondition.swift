/// The condition of a device or tenant: status plus a machine-readable reason and a human message.
public struct SyncCondition: Sendable, Hashable, Codable {
    public var status: SyncStatus
    /// CamelCase reason, e.g. `Applied`, `NoChanges`, `Applying`, `RetryScheduled`, `RPCError`,
    /// `HostKeyMismatch`, `Unreachable`, `Suspended`, `LintFailed`, `PruneRefused`, `Drifted`.
    public var reason: String
    public var message: String
    /// When the status last changed.
    public var since: Timestamp

    public init(status: SyncStatus, reason: String, message: String = "", since: Timestamp) {
        self.status = status
        self.reason = reason
        self.message = message
        self.since = since
    }
}
