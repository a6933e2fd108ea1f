import CMSModel

/// A monitor-group member's NETCONF session went UP or DOWN (SPEC §10): what a mail line says about it.
public struct MonitorEvent: Sendable, Equatable, Hashable, Codable {
    public enum Kind: String, Sendable, Equatable, Hashable, Codable {
        case up = "UP"
        case down = "DOWN"
    }

    /// Device code (the guide's `CPE ID`).
    public var device: String
    /// The device's name in the tenant repository (the guide's `name`).
    public var name: String
    /// The control address the session used (the guide's `IP Address`).
    public var address: String
    public var kind: Kind
    public var time: Timestamp
    /// On an UP: how long the device was down, when its DOWN was seen (filled by ``AlertPolicy``).
    public var downFor: Duration?

    public init(
        device: String, name: String, address: String, kind: Kind, time: Timestamp, downFor: Duration? = nil
    ) {
        self.device = device
        self.name = name
        self.address = address
        self.kind = kind
        self.time = time
        self.downFor = downFor
    }
}
