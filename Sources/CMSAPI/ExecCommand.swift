/// One diagnostic command of `cms exec` (SPEC §7): what the CLI sends as JSON in `POST …/devices/{code}/exec` and
/// what `cmsd` turns into an NXR RPC. Fields a kind does not use stay nil; ``validated()`` checks the argument rules
/// (the original's: count 1–60, 10–180 s, 1–1000 packets, ≤255 ASCII for `show`) and fills the defaults.
public struct ExecCommand: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case show, syslog, arp, route, ping, traceroute
        case techSupport = "tech-support"
        case packetDump = "packet-dump"
    }

    public enum Family: String, Sendable, Hashable, Codable, CaseIterable { case ipv4, ipv6 }

    /// `fib` (forwarding table), `rib` (routing database), `cache` (route cache).
    public enum RouteTable: String, Sendable, Hashable, Codable, CaseIterable { case fib, rib, cache }

    public var kind: Kind
    /// `show`: the arguments after `show`, joined by spaces (`ip route`).
    public var arguments: String?
    /// `route`, `ping`, `traceroute` (`-6`).
    public var family: Family?
    /// `route`.
    public var table: RouteTable?
    /// `ping`, `traceroute`: an IPv4/IPv6 address or a host name.
    public var destination: String?
    /// `ping`: echo requests, 1–60 (default 5).
    public var count: Int?
    /// `ping`, `traceroute`: source address.
    public var source: String?
    /// `traceroute`: ICMP probes instead of UDP.
    public var icmp: Bool?
    /// `packet-dump`: ethernetN, pppN or tunnelN.
    public var interface: String?
    /// `packet-dump`: longest capture, 10–180 s (default 10).
    public var seconds: Int?
    /// `packet-dump`: most packets, 1–1000 (default 100).
    public var packets: Int?

    public init(
        kind: Kind, arguments: String? = nil, family: Family? = nil, table: RouteTable? = nil,
        destination: String? = nil, count: Int? = nil, source: String? = nil, icmp: Bool? = nil,
        interface: String? = nil, seconds: Int? = nil, packets: Int? = nil
    ) {
        self.kind = kind
        self.arguments = arguments
        self.family = family
        self.table = table
        self.destination = destination
        self.count = count
        self.source = source
        self.icmp = icmp
        self.interface = interface
        self.seconds = seconds
        self.packets = packets
    }

    public static let showMaximumLength = 255
    public static let countRange = 1...60
    public static let secondsRange = 10...180
    public static let packetsRange = 1...1000

    /// The command with its defaults filled in, or the first rule it breaks.
    public func validated() throws(ExecArgumentError) -> ExecCommand {
        var command = self
        let used: Set<String>
        switch kind {
        case .show:
            used = ["arguments"]
            guard let text = arguments, !text.allSatisfy({ $0 == " " }) else {
                throw ExecArgumentError(
                    "arguments", "show needs arguments, e.g. `cms exec DEVICE show ip route`")
            }
            guard text.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
                throw ExecArgumentError(
                    "arguments", "show arguments must be printable ASCII (letters, digits, spaces, punctuation)")
            }
            guard text.utf8.count <= Self.showMaximumLength else {
                throw ExecArgumentError(
                    "arguments",
                    "show arguments are \(text.utf8.count) characters; at most \(Self.showMaximumLength) are allowed")
            }
            if text.hasPrefix("show ") {
                throw ExecArgumentError("arguments", "leave out the word `show`: give only what follows it")
            }
        case .syslog, .techSupport, .arp:
            used = []
        case .route:
            used = ["family", "table"]
            command.family = family ?? .ipv4
            command.table = table ?? .fib
        case .ping, .traceroute:
            used = kind == .ping ? ["destination", "family", "count", "source"] : ["destination", "family", "source", "icmp"]
            guard let destination, !destination.isEmpty else {
                throw ExecArgumentError("destination", "\(kind.rawValue) needs a destination (IP address or host name)")
            }
            let family = family ?? .ipv4
            command.family = family
            switch HostText.classify(destination) {
            case .invalid:
                throw ExecArgumentError(
                    "destination",
                    "'\(destination)' is neither an IP address nor a host name (letters, digits, '-', '.'; ≤255)")
            case .ipv4 where family == .ipv6:
                throw ExecArgumentError("destination", "'\(destination)' is an IPv4 address; leave out -6")
            case .ipv6 where family == .ipv4:
                throw ExecArgumentError("destination", "'\(destination)' is an IPv6 address; add -6")
            default:
                break
            }
            if let source {
                switch HostText.classify(source) {
                case .ipv4 where family == .ipv4, .ipv6 where family == .ipv6:
                    break
                case .ipv4, .ipv6:
                    throw ExecArgumentError(
                        "source", "source '\(source)' is not an \(family == .ipv4 ? "IPv4" : "IPv6") address like the destination")
                default:
                    throw ExecArgumentError("source", "source '\(source)' is not an IP address")
                }
            }
            if kind == .ping {
                let count = count ?? 5
                guard Self.countRange.contains(count) else {
                    throw ExecArgumentError("count", "count must be 1 to 60, not \(count)")
                }
                command.count = count
            } else {
                command.icmp = icmp ?? false
            }
        case .packetDump:
            used = ["interface", "seconds", "packets"]
            guard let interface, !interface.isEmpty else {
                throw ExecArgumentError("interface", "packet-dump needs an interface (ethernetN, pppN or tunnelN)")
            }
            guard HostText.isInterfaceName(interface) else {
                throw ExecArgumentError("interface", "'\(interface)' is not an interface name (ethernetN, pppN or tunnelN)")
            }
            let seconds = seconds ?? 10
            guard Self.secondsRange.contains(seconds) else {
                throw ExecArgumentError("seconds", "seconds must be 10 to 180, not \(seconds)")
            }
            let packets = packets ?? 100
            guard Self.packetsRange.contains(packets) else {
                throw ExecArgumentError("packets", "packets must be 1 to 1000, not \(packets)")
            }
            command.seconds = seconds
            command.packets = packets
        }
        for (field, present) in presence where present && !used.contains(field) {
            throw ExecArgumentError(field, "\(kind.rawValue) takes no \(field)")
        }
        return command
    }

    private var presence: [(String, Bool)] {
        [
            ("arguments", arguments != nil), ("family", family != nil), ("table", table != nil),
            ("destination", destination != nil), ("count", count != nil), ("source", source != nil),
            ("icmp", icmp != nil), ("interface", interface != nil), ("seconds", seconds != nil),
            ("packets", packets != nil),
        ]
    }

    /// How long the command runs on the device at most by itself (a ping of 60, a 180 s capture), in seconds; the
    /// daemon's timeout is this plus `diagnostics.timeout`.
    public var runningSeconds: Int {
        switch kind {
        case .ping: (count ?? 5) + 5
        case .traceroute: 90
        case .packetDump: (seconds ?? 10) + 5
        default: 0
        }
    }

    /// The command as an operator types it after `cms exec DEVICE` (for events and logs).
    public var commandLine: String {
        var words = [kind.rawValue]
        switch kind {
        case .show: words.append(arguments ?? "")
        case .route:
            if let family { words.append(family.rawValue) }
            if let table { words.append(table.rawValue) }
        case .ping, .traceroute:
            words.append(destination ?? "")
            if let count { words += ["--count", String(count)] }
            if let source { words += ["--source", source] }
            if icmp == true { words.append("--icmp") }
            if family == .ipv6 { words.append("-6") }
        case .packetDump:
            words.append(interface ?? "")
            if let seconds { words += ["--seconds", String(seconds)] }
            if let packets { words += ["--packets", String(packets)] }
        default: break
        }
        return words.joined(separator: " ")
    }
}

/// A diagnostic command's argument that breaks a rule: which field and what to give instead.
public struct ExecArgumentError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { message }
}

/// Lexical checks of addresses, host names and interface names (pure; no resolver).
public enum HostText {
    public enum Kind: Sendable, Equatable { case ipv4, ipv6, hostname, invalid }

    public static func classify(_ text: String) -> Kind {
        if isIPv4(text) { return .ipv4 }
        if isIPv6(text) { return .ipv6 }
        return isHostname(text) ? .hostname : .invalid
    }

    public static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCIIDigit) && Int(part)! <= 255
                    && !(part.count > 1 && part.first == "0")
            }
    }

    /// RFC 4291 text form: up to 8 groups of 1–4 hex digits, at most one `::`, optionally an IPv4 tail; no zone.
    public static func isIPv6(_ text: String) -> Bool {
        guard text.contains(":"), text.utf8.count <= 45 else { return false }
        var body = text
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            // An IPv4 tail (`::ffff:192.0.2.1`) stands for the last two groups.
            guard isIPv4(String(text[text.index(after: lastColon)...])) else { return false }
            body = String(text[...lastColon]) + "0:0"
        }
        let groupsAvailable = 8
        var halves = [body]
        if let gap = body.firstRange(of: "::") {
            let rest = body[gap.upperBound...]
            guard rest.firstRange(of: "::") == nil else { return false }
            halves = [String(body[..<gap.lowerBound]), String(rest)]
        }
        func groups(_ half: String) -> [Substring]? {
            guard !half.isEmpty else { return [] }
            let parts = half.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.allSatisfy({ (1...4).contains($0.count) && $0.allSatisfy(\.isHexDigit) }) else { return nil }
            return parts
        }
        guard let head = groups(halves[0]) else { return false }
        if halves.count == 2 {
            guard let tail = groups(halves[1]) else { return false }
            return head.count + tail.count < groupsAvailable
        }
        return head.count == groupsAvailable
    }

    /// A DNS name: labels of letters, digits and `-` (not at either end), 1–63 each, ≤255 in all.
    public static func isHostname(_ text: String) -> Bool {
        guard (1...255).contains(text.utf8.count) else { return false }
        let trimmed = text.hasSuffix(".") ? String(text.dropLast()) : text
        let labels = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        } && !(labels.last?.allSatisfy(\.isASCIIDigit) ?? true)
    }

    /// `ethernetN`, `pppN` or `tunnelN` (N: 0–9999).
    public static func isInterfaceName(_ text: String) -> Bool {
        for prefix in ["ethernet", "ppp", "tunnel"] where text.hasPrefix(prefix) {
            let number = text.dropFirst(prefix.count)
            return (1...4).contains(number.count) && number.allSatisfy(\.isASCIIDigit)
        }
        return false
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
