import CMSModel

/// Where one device stands against its desired state, with a short history of its runs (SPEC §2,
/// DESIGN §3). A value: the daemon feeds it the events of the reconcile loop and stores it.
///
/// - `queued` / `started` → `reconciling` (`Queued`, `Applying`);
/// - `finished` → `ready` (`Applied`, `NoChanges`, `Drifted`), failures reset to 0;
/// - `failed` → by ``ErrorClass``: `retry` → `reconciling` / `RetryScheduled`; `wait` → `stalled` /
///   `Unreachable`; `terminal` → `stalled` / `Failed`;
/// - `stalled(reason:…)` for everything else that blocks (host key, prune refused…);
/// - `suspended` — the operator's decision (`suspended: true`): its own status, `suspended` / `Suspended`.
///
/// `condition.since` moves only when the status changes.
public struct DeviceSyncState: Sendable, Hashable, Codable {
    /// How many runs ``history`` keeps.
    public static let historyLimit = 20

    public var condition: SyncCondition
    /// The last revision applied and verified (or found already in place).
    public var lastAppliedRevision: String?
    /// The revision of the last run started.
    public var lastAttemptedRevision: String?
    /// The message of the last failure; nil after a success.
    public var lastError: String?
    /// When the next retry is due (`RetryScheduled` only).
    public var nextRetry: Timestamp?
    /// Failed runs in a row; 0 after a success.
    public var consecutiveFailures: Int
    /// The latest runs, newest first, at most ``historyLimit``.
    public var history: [ReconcileRecord]

    /// A device never reconciled: `reconciling` / `Pending`.
    public init(at time: Timestamp) {
        condition = SyncCondition(
            status: .reconciling, reason: SyncReason.pending.rawValue,
            message: "not reconciled yet", since: time)
        lastAppliedRevision = nil
        lastAttemptedRevision = nil
        lastError = nil
        nextRetry = nil
        consecutiveFailures = 0
        history = []
    }

    /// The device entered the reconcile queue. A run in progress stays `Applying`.
    public mutating func queued(at time: Timestamp) {
        guard condition.reason != SyncReason.applying.rawValue else { return }
        set(.reconciling, .queued, "waiting for a reconcile worker", at: time)
    }

    /// The device has no address yet (never announced since management began): nothing was tried, nothing failed —
    /// it is reconciled when it announces. `reconciling` / `AwaitingAnnouncement`; no history row, no failure count.
    public mutating func awaitingAnnouncement(at time: Timestamp) {
        set(.reconciling, .awaitingAnnouncement, "waiting for the device's first CRP announcement", at: time)
    }

    /// A run of `revision` began.
    public mutating func started(revision: String?, at time: Timestamp) {
        lastAttemptedRevision = revision
        nextRetry = nil
        set(.reconciling, .applying, "applying revision \(revision ?? "(none)")", at: time)
    }

    /// A run succeeded (`applied`, `noChanges` or `drifted`). A record with outcome `failed` is
    /// taken as a terminal failure.
    public mutating func finished(_ record: ReconcileRecord) {
        let reason: SyncReason
        switch record.outcome {
        case .applied: reason = .applied
        case .noChanges: reason = .noChanges
        case .drifted: reason = .drifted
        case .failed:
            failed(record, errorClass: .terminal, nextRetry: nil)
            return
        }
        lastAppliedRevision = record.revision ?? lastAppliedRevision
        lastError = nil
        nextRetry = nil
        consecutiveFailures = 0
        remember(record)
        let message = record.message.isEmpty ? "revision \(record.revision ?? "(none)")" : record.message
        set(.ready, reason, message, at: record.finished)
    }

    /// A run failed; `nextRetry` comes from ``ErrorClass/nextRetry(consecutiveFailures:at:backoff:jitter:)``.
    public mutating func failed(_ record: ReconcileRecord, errorClass: ErrorClass, nextRetry: Timestamp?) {
        consecutiveFailures += 1
        lastError = record.message
        self.nextRetry = nextRetry
        remember(record)
        switch errorClass {
        case .retry:
            let when = nextRetry.map { " (retry at \($0.iso8601))" } ?? ""
            set(.reconciling, .retryScheduled, record.message + when, at: record.finished)
        case .wait:
            set(.stalled, .unreachable, record.message, at: record.finished)
        case .terminal:
            set(.stalled, .failed, record.message, at: record.finished)
        }
    }

    /// The device is suspended in the repository: `suspended` / `Suspended`, no retry. A resume is a ``queued(at:)``.
    public mutating func suspended(at time: Timestamp) {
        nextRetry = nil
        set(.suspended, .suspended, "suspended in the repository", at: time)
    }

    /// Reconciling cannot progress until something changes (`HostKeyMismatch`, `Unreachable`, `PruneRefused`…).
    /// No retry is scheduled.
    public mutating func stalled(reason: String, message: String, at time: Timestamp) {
        nextRetry = nil
        set(.stalled, reason, message, at: time)
    }

    /// ``stalled(reason:message:at:)`` with a known reason.
    public mutating func stalled(_ reason: SyncReason, message: String, at time: Timestamp) {
        stalled(reason: reason.rawValue, message: message, at: time)
    }

    private mutating func remember(_ record: ReconcileRecord) {
        history.insert(record, at: 0)
        if history.count > Self.historyLimit { history.removeLast(history.count - Self.historyLimit) }
    }

    private mutating func set(_ status: SyncStatus, _ reason: SyncReason, _ message: String, at time: Timestamp) {
        set(status, reason.rawValue, message, at: time)
    }

    private mutating func set(_ status: SyncStatus, _ reason: String, _ message: String, at time: Timestamp) {
        let since = status == condition.status ? condition.since : time
        condition = SyncCondition(status: status, reason: reason, message: message, since: since)
    }
}
