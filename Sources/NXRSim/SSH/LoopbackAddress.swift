import CRP

/// Loopback address checks and arithmetic: the simulator never binds or sends outside 127.0.0.0/8 and ::1.
public enum LoopbackAddress {
    /// True for 127.0.0.0/8 dotted quads, `::1` and `localhost`.
    public static func isLoopback(_ host: String) -> Bool {
        if host == "::1" || host == "localhost" { return true }
        guard let octets = Self.octets(host) else { return false }
        return octets[0] == 127
    }

    /// Parses a dotted IPv4 quad (CRP's strict parser: no leading zeros).
    public static func octets(_ host: String) -> [UInt8]? {
        guard let address = IPAddress(host), address.family == .ipv4 else { return nil }
        return address.bytes
    }

    /// The address `offset` places after `base` (e.g. 127.1.0.0 + 300 = 127.1.1.44).
    public static func adding(_ offset: Int, to base: String) -> String? {
        guard let octets = Self.octets(base) else { return nil }
        let value = octets.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let (sum, overflow) = value.addingReportingOverflow(UInt32(truncatingIfNeeded: offset))
        guard !overflow, offset >= 0, sum >> 24 == 127 else { return nil }
        return "\(sum >> 24).\(sum >> 16 & 255).\(sum >> 8 & 255).\(sum & 255)"
    }
}
