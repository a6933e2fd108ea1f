import CMSModel

/// What one run does once it has compared a device's managed parts with the revision in force (issue 10: decisions
/// as values, taken out of `Applier.run`). Pure: the daemon performs it.
public enum RunDecision: Sendable, Hashable {
    /// The device matches: record `NoChanges` (or nothing, for a quiet check).
    case nothingToDo
    /// Apply the change. `drifted`: the device had been verified at this very revision and changed since — a
    /// `gitops.drift.detected` event comes first, and the run is recorded as `Drifted` (corrected).
    case apply(drifted: Bool)
    /// Drift found under `drift: report-only`: a `gitops.drift.detected` event and `Drifted`, nothing is written.
    case reportDrift

    /// - Parameters:
    ///   - changedParts: the parts whose plan is not empty.
    ///   - revision: the revision in force; `lastAppliedRevision`: the one the device was last verified at.
    ///   - movedParts: parts whose desired state moved at the same revision (IPsec after a peer's new address):
    ///     their changes are the desired state following the world, not drift.
    public static func decide(
        changedParts: [String], revision: String, lastAppliedRevision: String?, movedParts: Set<String>,
        drift: Tenant.DriftPolicy
    ) -> RunDecision {
        guard !changedParts.isEmpty else { return .nothingToDo }
        let drifted = lastAppliedRevision == revision && changedParts.contains { !movedParts.contains($0) }
        if drifted, drift == .reportOnly { return .reportDrift }
        return .apply(drifted: drifted)
    }

    /// A check of a device already verified at `revision` (drift timer, reconnect, retry of nothing) is quiet: its
    /// status does not flicker through `Queued`/`Applying`, and a run that finds nothing is not recorded — the short
    /// history keeps the runs that did something.
    public static func isQuietCheck(_ sync: DeviceSyncState, revision: String) -> Bool {
        sync.condition.status == .ready && sync.lastAppliedRevision == revision
    }
}
