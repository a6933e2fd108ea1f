import CMSModel

/// What the driver of a ``DeviceLifecycle`` must do after an input; the lifecycle itself does no I/O.
public enum LifecycleAction: Sendable, Hashable {
    /// Open SSH + NETCONF to the address (verify the host key before sending any RPC).
    case connect(to: ControlAddress)
    /// Read serial, hostname, product, firmware, uptime, load, memory, interfaces; report `identified`.
    case startIdentification
    /// Close the session (or abort the connection attempt) if there is one.
    case closeSession
    /// An unsigned announcement says the device is elsewhere: check that the open session still
    /// works (one cheap read) and report `sessionDropped` if it does not. Never closes it.
    case checkSession
    /// Run a timer and report `timerFired` with it when it expires.
    case scheduleTimer(LifecycleTimer, after: Duration)
    /// The timer is no longer wanted (firing it anyway is harmless: it would be ignored as stale).
    case cancelTimer(LifecycleTimer)
    /// Persist this fingerprint as the device's pinned host key.
    case pinHostKey(String)
    /// Persist this serial number as the device's registered serial.
    case recordSerial(String)
    /// Forget cached version / interface information (on suspend, SPEC §2).
    case dropCachedInfo
    /// Record an event of this type about the device, with these details.
    case emit(EventType, details: [String: String])
    /// The input had no effect in this state; the reason says why (never an error).
    case ignored(LifecycleIgnoreReason)
}
