import NETCONFClient

/// In-memory devices by address: what a connect factory looks up instead of dialling.
public actor InMemoryFleet {
    private var devices: [String: InMemoryDevice] = [:]

    public init() {}

    public func add(_ device: InMemoryDevice) {
        devices[Self.key(device.address, device.port)] = device
    }

    /// The device answers at `host:port` too (it moved, or has a second address).
    public func add(_ device: InMemoryDevice, at host: String, port: Int? = nil) {
        devices[Self.key(host, port ?? device.port)] = device
    }

    public func device(at host: String, port: Int) -> InMemoryDevice? { devices[Self.key(host, port)] }

    public var all: [InMemoryDevice] { Array(devices.values) }

    /// Connects to the device at `host:port` (connection refused when there is none), checking its host key with
    /// `policy` first.
    public func connect(host: String, port: Int, policy: HostKeyPolicy) async throws -> InMemorySession {
        guard let device = devices[Self.key(host, port)] else {
            throw NETCONFClientError(.connectFailed, host: host, port: port, message: "connection refused")
        }
        return try await device.connect(policy: policy)
    }

    private static func key(_ host: String, _ port: Int) -> String { "\(host):\(port)" }
}
