/// A member's protected LAN: a network with prefix length, or `host` (the router itself).
public enum LANNetwork: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    case host
    /// An IPv4 or IPv6 network address and prefix length, e.g. `192.168.10.0/24`.
    case network(address: String, prefixLength: Int)

    /// The YAML spelling.
    public var description: String {
        switch self {
        case .host: return "host"
        case .network(let address, let length): return "\(address)/\(length)"
        }
    }
}
