/// Why an input to ``DeviceLifecycle`` was a no-op.
public enum LifecycleIgnoreReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// CRP from a suspended device is discarded (SPEC §2).
    case suspended
    /// A CRP for the address already being connected to.
    case alreadyConnecting = "already-connecting"
    /// A CRP keepalive for the address of the live session.
    case alreadyConnected = "already-connected"
    /// A previous connection presented a host key other than the pinned one; management is blocked
    /// until the pinned key changes in the desired state.
    case hostKeyBlocked = "host-key-blocked"
    /// A connection result arrived while no connection attempt is in progress.
    case notConnecting = "not-connecting"
    /// An identification result arrived while not reading the identity.
    case notIdentifying = "not-identifying"
    /// A session event arrived while there is no session.
    case noSession = "no-session"
    /// An operation or reboot needs a connected device.
    case notConnected = "not-connected"
    /// An operation is already running; one at a time.
    case operationRunning = "operation-running"
    /// `operationFinished` without a running operation.
    case noOperationRunning = "no-operation-running"
    /// Suspend of a suspended device (bulk suspend skips it, SPEC §2).
    case alreadySuspended = "already-suspended"
    /// Resume of a device that is not suspended (bulk resume skips it).
    case notSuspended = "not-suspended"
    /// A timer that was replaced or cancelled fired.
    case staleTimer = "stale-timer"
    /// The device was deleted; nothing more happens to it.
    case deleted
}
