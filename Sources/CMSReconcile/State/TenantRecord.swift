/// What the daemon keeps about one tenant across restarts.
public struct TenantRecord: Sendable, Hashable, Codable {
    public var code: String
    /// The last revision whose every device was applied (or refused nothing).
    public var lastAppliedRevision: String?
    /// The last revision the daemon started to reconcile.
    public var lastAttemptedRevision: String?

    public init(code: String, lastAppliedRevision: String? = nil, lastAttemptedRevision: String? = nil) {
        self.code = code
        self.lastAppliedRevision = lastAppliedRevision
        self.lastAttemptedRevision = lastAttemptedRevision
    }
}
