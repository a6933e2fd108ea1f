import CMSModel

/// ``DeviceAgent/withSession(_:)`` was called while the device has no usable session.
public struct DeviceUnavailable: Error, Sendable, Hashable, CustomStringConvertible {
    public var tenant: String
    public var device: String
    /// The state the device was in.
    public var state: DeviceState
    /// Why, in words an operator can act on.
    public var reason: String

    public init(tenant: String, device: String, state: DeviceState, reason: String) {
        self.tenant = tenant
        self.device = device
        self.state = state
        self.reason = reason
    }

    public var description: String { "device \(tenant)/\(device) is \(state.rawValue): \(reason)" }
}
