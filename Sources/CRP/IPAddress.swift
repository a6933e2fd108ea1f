/// An IPv4 or IPv6 address as raw bytes (network order), with strict text parsing and
/// RFC 5952 formatting. Pure: no resolver, no sockets.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address family, with its CRP wire code as raw value.
    public enum Family: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        case ipv4 = 4
        case ipv6 = 6

        /// Address length in bytes.
        public var byteCount: Int { self == .ipv4 ? 4 : 16 }
        public var description: String { self == .ipv4 ? "ipv4" : "ipv6" }
    }

    /// 4 bytes (IPv4) or 16 bytes (IPv6), network byte order.
    public let bytes: [UInt8]

    /// The family implied by the byte count.
    public var family: Family { bytes.count == 4 ? .ipv4 : .ipv6 }

    /// Wraps raw bytes; nil unless there are exactly 4 or 16.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// An IPv4 address from its four octets.
    public static func v4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> IPAddress {
        IPAddress(uncheckedBytes: [a, b, c, d])
    }

    private init(uncheckedBytes: [UInt8]) { self.bytes = uncheckedBytes }

    /// Parses dotted-quad IPv4 (no leading zeros, no shorthand) or IPv6 text (with `::` and an
    /// optional dotted IPv4 tail). Zone ids (`%eth0`) and brackets are refused. Nil when invalid.
    public init?(_ text: String) {
        if let v4 = IPAddress.parseIPv4(Substring(text)) {
            self.bytes = v4
        } else if let v6 = IPAddress.parseIPv6(text) {
            self.bytes = v6
        } else {
            return nil
        }
    }

    /// True for 0.0.0.0 and `::`.
    public var isUnspecified: Bool { bytes.allSatisfy { $0 == 0 } }

    /// True for 224.0.0.0/4 and ff00::/8.
    public var isMulticast: Bool {
        family == .ipv4 ? (bytes[0] & 0xF0) == 0xE0 : bytes[0] == 0xFF
    }

    /// True for the IPv4 limited broadcast address 255.255.255.255.
    public var isLimitedBroadcast: Bool { family == .ipv4 && bytes.allSatisfy { $0 == 0xFF } }

    /// True for 127.0.0.0/8 and ::1.
    public var isLoopback: Bool {
        family == .ipv4 ? bytes[0] == 127 : bytes == [UInt8](repeating: 0, count: 15) + [1]
    }

    /// Dotted quad for IPv4; RFC 5952 canonical text for IPv6.
    public var description: String {
        if family == .ipv4 {
            return bytes.map(String.init).joined(separator: ".")
        }
        var groups: [UInt16] = []
        for i in stride(from: 0, to: 16, by: 2) {
            groups.append(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]))
        }
        // Longest run (≥2) of zero groups, first one on ties, becomes "::".
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8 && groups[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        if bestLength < 2 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                !(part.count > 1 && part.first == "0"),
                let value = UInt8(part)
            else { return nil }
            result.append(value)
        }
        return result
    }

    static func parseIPv6(_ text: String) -> [UInt8]? {
        guard text.count >= 2, text.count <= 45, text.allSatisfy({ $0.isASCII }) else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }

        func parseGroups(_ part: String, allowIPv4Tail: Bool) -> [UInt8]? {
            if part.isEmpty { return [] }
            let items = part.split(separator: ":", omittingEmptySubsequences: false)
            var out: [UInt8] = []
            for (position, item) in items.enumerated() {
                if allowIPv4Tail && position == items.count - 1 && item.contains(".") {
                    guard let v4 = parseIPv4(item) else { return nil }
                    out += v4
                    continue
                }
                guard (1...4).contains(item.count), item.allSatisfy({ $0.isHexDigit }),
                    let value = UInt16(item, radix: 16)
                else { return nil }
                out += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return out
        }

        if halves.count == 1 {
            guard let all = parseGroups(halves[0], allowIPv4Tail: true), all.count == 16 else { return nil }
            return all
        }
        guard let head = parseGroups(halves[0], allowIPv4Tail: false),
            let tail = parseGroups(halves[1], allowIPv4Tail: true),
            head.count + tail.count <= 14
        else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}
