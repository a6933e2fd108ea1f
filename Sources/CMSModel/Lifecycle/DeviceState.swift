/// The seven device states of SPEC §2, shown everywhere a device is listed.
public enum DeviceState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Registered, no CRP received yet.
    case awaitingAddress = "awaiting-address"
    /// Connecting, reading the device's identity.
    case identifying
    /// NETCONF session up; operations possible.
    case connected
    /// A reboot was ordered (or an update / restore that reboots); no operations.
    case rebooting
    /// The session dropped or could not be established.
    case disconnected
    /// An operation is running on the session.
    case communicating
    /// The operator suspended it: no connection, CRP ignored.
    case suspended
}
