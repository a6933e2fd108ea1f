import CMSModel

/// A tenant at a glance (`cms status`, `GET /api/v1/tenants/{t}/status`).
public struct TenantStatus: Sendable, Hashable, Codable {
    public var tenant: String
    public var condition: SyncCondition
    /// The revision in force (last good), and the last one tried (may have lint errors).
    public var lastAppliedRevision: String?
    public var lastAttemptedRevision: String?
    /// Lint errors of the last attempted revision when it was refused, as `file:line:col: message`.
    public var lintErrors: [String]
    public var lastFetchError: String?
    public var lastFetch: Timestamp?
    /// The SPEC §2 counters.
    public var counts: DeviceStateCounts
    /// Devices per sync status.
    public var ready: Int
    public var reconciling: Int
    public var stalled: Int
    /// Devices suspended in the repository (sync status `suspended`): neither ready nor stalled.
    public var suspended: Int
    /// What the revision in force declares that `cmsd` does not carry out yet, each with the issue that will
    /// (`gitops.not-carried-out`); empty when everything it declares is carried out.
    public var notCarriedOut: [String]
    /// The tenant's IANA time zone (tenant.yaml `timeZone`), for showing times; nil before a revision is in force.
    public var timeZone: String?

    public init(
        tenant: String, condition: SyncCondition, lastAppliedRevision: String? = nil,
        lastAttemptedRevision: String? = nil, lintErrors: [String] = [], lastFetchError: String? = nil,
        lastFetch: Timestamp? = nil, counts: DeviceStateCounts = DeviceStateCounts(), ready: Int = 0,
        reconciling: Int = 0, stalled: Int = 0, suspended: Int = 0, notCarriedOut: [String] = [], timeZone: String? = nil
    ) {
        self.timeZone = timeZone
        self.tenant = tenant
        self.condition = condition
        self.lastAppliedRevision = lastAppliedRevision
        self.lastAttemptedRevision = lastAttemptedRevision
        self.lintErrors = lintErrors
        self.lastFetchError = lastFetchError
        self.lastFetch = lastFetch
        self.counts = counts
        self.ready = ready
        self.reconciling = reconciling
        self.stalled = stalled
        self.suspended = suspended
        self.notCarriedOut = notCarriedOut
    }
}
