/// A group's `rollout:` (issue 11): the fields it sets override the tenant's `rollout:` for the group's devices,
/// the others stay the tenant's. A device takes its policy from at most one group (lint `group.rollout-conflict`).
public struct RolloutOverride: Sendable, Equatable, Hashable, Codable {
    public var maxConcurrent: Int?
    public var canary: Int?
    public var soakSeconds: Int?
    public var batchSize: Amount?
    public var maxFailures: Amount?
    public var pauseSeconds: Int?
    public var windows: [String]?
    public var transferRetries: Int?
    public var rebootDeadlineSeconds: Int?

    public init(
        maxConcurrent: Int? = nil, canary: Int? = nil, soakSeconds: Int? = nil, batchSize: Amount? = nil,
        maxFailures: Amount? = nil, pauseSeconds: Int? = nil, windows: [String]? = nil, transferRetries: Int? = nil,
        rebootDeadlineSeconds: Int? = nil
    ) {
        self.maxConcurrent = maxConcurrent
        self.canary = canary
        self.soakSeconds = soakSeconds
        self.batchSize = batchSize
        self.maxFailures = maxFailures
        self.pauseSeconds = pauseSeconds
        self.windows = windows
        self.transferRetries = transferRetries
        self.rebootDeadlineSeconds = rebootDeadlineSeconds
    }

    /// `base` with the fields this override sets replaced.
    public func applied(to base: Tenant.Rollout) -> Tenant.Rollout {
        var result = base
        if let maxConcurrent { result.maxConcurrent = maxConcurrent }
        if let canary { result.canary = canary }
        if let soakSeconds { result.soakSeconds = soakSeconds }
        if let batchSize { result.batchSize = batchSize }
        if let maxFailures { result.maxFailures = maxFailures }
        if let pauseSeconds { result.pauseSeconds = pauseSeconds }
        if let windows { result.windows = windows }
        if let transferRetries { result.transferRetries = transferRetries }
        if let rebootDeadlineSeconds { result.rebootDeadlineSeconds = rebootDeadlineSeconds }
        return result
    }
}
