/// Where a device (or a tenant) stands against its desired state (Flux-style, SPEC §2, DESIGN §3).
public enum SyncStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// The last reconcile applied and verified the current desired revision (or found nothing to do).
    case ready
    /// A reconcile is queued or running, or is waiting for a retry after a transient error.
    case reconciling
    /// Reconciling cannot progress without a change: a terminal error (fix the repo), a blocked host
    /// key, an unreachable device, a refused prune.
    case stalled
    /// The operator suspended the device (`suspended: true` in the repository, SPEC §2): nothing is tried, nothing
    /// failed. Not counted as stalled; it keeps no tenant from `ready`.
    case suspended
}
