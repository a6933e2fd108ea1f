/// The machine-readable reasons of a device's ``SyncCondition`` (CamelCase, Flux style).
public enum SyncReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// Never reconciled yet.
    case pending = "Pending"
    /// Waiting in the reconcile queue.
    case queued = "Queued"
    /// A run is in progress.
    case applying = "Applying"
    /// The last run applied and verified the desired revision.
    case applied = "Applied"
    /// The device already matched the desired revision.
    case noChanges = "NoChanges"
    /// Drift from the desired state was found (corrected, or reported only).
    case drifted = "Drifted"
    /// A transient error; a retry is scheduled (`nextRetry`).
    case retryScheduled = "RetryScheduled"
    /// The device rejected the desired configuration; fix the repo.
    case failed = "Failed"
    /// The device has not announced itself since `cmsd` started managing it (no address yet): it is reconciled
    /// when it does. Waiting, not a failure.
    case awaitingAnnouncement = "AwaitingAnnouncement"
    /// The device is not connected; it is reconciled when it comes back.
    case unreachable = "Unreachable"
    /// The device presented another SSH host key than the pinned one; management is blocked.
    case hostKeyMismatch = "HostKeyMismatch"
    /// `suspended: true` in the repo.
    case suspended = "Suspended"
    /// The revision was refused by the safe-prune guard (``PruneGuard``).
    case pruneRefused = "PruneRefused"
    /// The revision does not pass `cms-lint`.
    case lintFailed = "LintFailed"
}
