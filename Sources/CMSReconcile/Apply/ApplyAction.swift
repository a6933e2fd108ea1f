/// One step an ``ApplyRun`` asks its driver (the daemon's Applier) to perform.
///
/// Every case but `finish` is one NETCONF RPC; the driver performs it and reports the result back
/// with ``ApplyRun/succeeded()``, ``ApplyRun/readBack(mismatches:)`` or ``ApplyRun/failed(_:_:)``.
public enum ApplyAction: Sendable, Hashable {
    /// `<lock>` the datastore.
    case lock(Datastore)
    /// `<discard-changes>`: make the candidate equal to running again.
    case discardChanges
    /// `<edit-config>` with the planned change; `rollbackOnError` sets
    /// `<error-option>rollback-on-error</error-option>`.
    case edit(Datastore, rollbackOnError: Bool)
    /// `<validate>` the datastore.
    case validate(Datastore)
    /// `<commit>`; with a timeout: `<confirmed/><confirm-timeout>seconds</confirm-timeout>`.
    case commit(confirmTimeout: Duration?)
    /// `<get-config>` of running with the parts' filter, compared with the desired state; report with
    /// ``ApplyRun/readBack(mismatches:)``.
    case readBack
    /// The confirming `<commit>` (no `<confirmed/>`) that makes a confirmed commit permanent.
    case confirm
    /// `<cancel-commit>`: revert the pending confirmed commit now.
    case cancelCommit
    /// `<unlock>` the datastore.
    case unlock(Datastore)
    /// The run is over; no more RPCs.
    case finish(ApplyOutcome)
}
