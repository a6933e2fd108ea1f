import CMSModel

/// What a failed reconcile run means for the next attempt (DESIGN §3, docs/reconcile.md).
///
/// - `retry`: transient (a lock held by someone else, a busy device, a timeout of one RPC): try again
///   after a capped exponential backoff with jitter.
/// - `wait`: the session to the device is gone; nothing can be done until the device is connected
///   again, and reconnecting is the device lifecycle's business (its own backoff, or the next CRP
///   announcement). The device is re-queued when it is ready, not on a timer.
/// - `terminal`: the device rejected the desired configuration (a bad value, an unknown element, a
///   failed validation, a read-back that differs): trying again gives the same result. No retry
///   until the desired state changes (a new revision) or an operator asks for a reconcile.
public enum ErrorClass: String, Sendable, Hashable, Codable, CaseIterable {
    case retry
    case wait
    case terminal

    /// The class of a NETCONF `<rpc-error>` by its `<error-tag>` (RFC 6241 appendix A).
    ///
    /// Locks and resources held by others are `retry`; errors about the content of the request are
    /// `terminal`; an unknown tag is `retry` (a later attempt is harmless: a run never leaves a
    /// half-applied state behind).
    public static func forRPCError(tag: String) -> ErrorClass {
        switch tag {
        case "lock-denied", "in-use", "resource-denied", "operation-failed", "rollback-failed", "partial-operation":
            return .retry
        case "invalid-value", "too-big", "missing-attribute", "bad-attribute", "unknown-attribute",
            "missing-element", "bad-element", "unknown-element", "unknown-namespace", "access-denied",
            "data-exists", "data-missing", "operation-not-supported", "malformed-message":
            return .terminal
        default:
            return .retry
        }
    }

    /// When to try again after the `consecutiveFailures`-th failure in a row (1-based), or nil when
    /// this class is not retried on a timer (`wait`: when the device is back; `terminal`: on a new
    /// revision). `jitter` in `0...1` is drawn by the caller, so the answer is deterministic.
    public func nextRetry(
        consecutiveFailures: Int, at now: Timestamp, backoff: Backoff = Backoff(), jitter: Double
    ) -> Timestamp? {
        switch self {
        case .retry: now + backoff.delay(attempt: max(consecutiveFailures, 1), jitter: jitter)
        case .wait, .terminal: nil
        }
    }
}
