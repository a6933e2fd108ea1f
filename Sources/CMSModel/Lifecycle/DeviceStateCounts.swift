/// The device state counters of SPEC §2: connected = connected + communicating; disconnected =
/// disconnected + rebooting + identifying; awaiting-address; suspended.
public struct DeviceStateCounts: Sendable, Hashable, Codable {
    public var connected: Int
    public var disconnected: Int
    public var awaitingAddress: Int
    public var suspended: Int

    public init(connected: Int = 0, disconnected: Int = 0, awaitingAddress: Int = 0, suspended: Int = 0) {
        self.connected = connected
        self.disconnected = disconnected
        self.awaitingAddress = awaitingAddress
        self.suspended = suspended
    }

    /// Counts a list of device states.
    public init(_ states: some Sequence<DeviceState>) {
        self.init()
        for state in states {
            switch state {
            case .connected, .communicating: connected += 1
            case .disconnected, .rebooting, .identifying: disconnected += 1
            case .awaitingAddress: awaitingAddress += 1
            case .suspended: suspended += 1
            }
        }
    }

    /// All devices counted (every state falls in exactly one counter).
    public var total: Int { connected + disconnected + awaitingAddress + suspended }
}
