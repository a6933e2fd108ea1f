import Foundation
import NETCONF

/// The outputs of the NXR's diagnostic commands (`show arp`, `show ip route [database|cache]`, `show ipv6 route …`,
/// `show tech-support`, ping, traceroute, packet dump, syslog) as pure functions of what the device knows — shared by
/// `nxr-sim` (``SimulatedDevice``) and the in-memory device, so both answer the same text (docs/diagnostics.md).
public enum DiagnosticText {
    /// What a device knows when it answers.
    public struct Facts: Sendable {
        public var identity: DeviceIdentity
        /// The control address (the first interface's).
        public var address: String
        /// Operational state as ``SimModel/state(identity:uptime:bootID:address:running:now:)`` returns it.
        public var state: [XMLElement]
        public var running: XMLElement
        public var syslog: [String]
        public var uptime: Int
        /// `show tech-support` is padded to at least this many bytes (``DeviceFaults/techSupportBytes``): how a
        /// test gets a result of several MiB.
        public var techSupportBytes: Int

        public init(
            identity: DeviceIdentity, address: String, state: [XMLElement], running: XMLElement, syslog: [String],
            uptime: Int, techSupportBytes: Int = 0
        ) {
            self.identity = identity
            self.address = address
            self.state = state
            self.running = running
            self.syslog = syslog
            self.uptime = uptime
            self.techSupportBytes = techSupportBytes
        }
    }

    /// `show ARGS`: the text, an error for arguments the NXR rejects.
    public static func show(_ args: String, _ facts: Facts) -> Result<String, RPCError> {
        let words = args.split(separator: " ").map(String.init)
        switch words.first {
        case "config":
            return .success(SimulatedDevice.showConfig(facts.running))
        case "version":
            return .success(version(facts))
        case "uptime":
            let up = facts.uptime
            return .success("up \(up / 86400) days, \(up % 86400 / 3600):\(String(format: "%02d", up % 3600 / 60))\n")
        case "interface":
            return .success(interfaces(facts))
        case "arp":
            return .success(arp(facts))
        case "ip", "ipv6":
            guard words.count >= 2, words[1] == "route", words.count <= 3 else { break }
            let table = words.count == 3 ? words[2] : "fib"
            guard ["fib", "database", "cache"].contains(table) else { break }
            return .success(route(ipv6: words[0] == "ipv6", table: table, facts))
        case "syslog":
            return .success(syslog(facts, lines: nil))
        case "tech-support":
            return .success(techSupport(facts))
        default:
            break
        }
        return .failure(ServerError.invalidValue("% Invalid input detected: show \(args)"))
    }

    public static func version(_ facts: Facts) -> String {
        "Century Systems \(facts.identity.product) Series ver \(facts.identity.firmwareVersion)\n"
            + "Serial: \(facts.identity.serial)\n"
    }

    /// The interfaces with their state and IPv4 addresses.
    public static func interfaces(_ facts: Facts) -> String {
        let list = facts.state.count > 1 ? facts.state[1].elements : []
        let lines = list.map { interface in
            let state = interface.child("state")
            let addresses =
                state?.children("address").map {
                    "  IPv4 address: \($0.child("ip")?.text ?? "?")/\($0.child("prefix-length")?.text ?? "?")"
                } ?? []
            return (["\(interface.child("name")?.text ?? "?") is \(state?.child("oper-status")?.text ?? "up")"]
                + addresses).joined(separator: "\n")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// (interface, address, prefix length) of every configured IPv4 address.
    static func addresses(_ facts: Facts) -> [(String, String, Int)] {
        let list = facts.state.count > 1 ? facts.state[1].elements : []
        return list.flatMap { interface in
            let name = interface.child("name")?.text ?? "?"
            return interface.child("state")?.children("address").map {
                (name, $0.child("ip")?.text ?? "0.0.0.0", Int($0.child("prefix-length")?.text ?? "") ?? 32)
            } ?? []
        }
    }

    /// One neighbour per configured subnet: the `.254` gateway (or `.1` when the device is `.254`).
    public static func arp(_ facts: Facts) -> String {
        var lines = ["IP address       HW type  Flags  HW address         Mask  Device"]
        for (index, (interface, ip, _)) in addresses(facts).enumerated() {
            var octets = ip.split(separator: ".").map(String.init)
            guard octets.count == 4 else { continue }
            octets[3] = octets[3] == "254" ? "1" : "254"
            let neighbour = octets.joined(separator: ".")
            let mac = String(format: "00:80:6d:%02x:%02x:%02x", index, neighbour.utf8.count, (index * 37) % 256)
            lines.append(
                neighbour.padding(toLength: 17, withPad: " ", startingAt: 0)
                    + "0x1      0x2    \(mac)  *     \(interface)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `show ip route` (fib), `show ip route database` (rib), `show ip route cache`; `ipv6` likewise.
    public static func route(ipv6: Bool, table: String, _ facts: Facts) -> String {
        var lines: [String] = []
        if table == "cache" {
            lines.append("Route cache (\(ipv6 ? "IPv6" : "IPv4")):")
            lines.append(ipv6 ? "::1 dev lo  cache" : "127.0.0.1 dev lo  cache  <local>")
            return lines.joined(separator: "\n") + "\n"
        }
        lines.append("Codes: K - kernel, C - connected, S - static, > - selected route, * - FIB route")
        if table == "database" { lines.append("(routing information base)") }
        lines.append("")
        if ipv6 {
            lines.append("C>* ::1/128 is directly connected, lo")
            lines.append("C>* fe80::/64 is directly connected, ethernet0")
        } else {
            lines.append("C>* 127.0.0.0/8 is directly connected, lo")
            for (interface, ip, prefix) in addresses(facts) {
                lines.append("C>* \(network(ip, prefix))/\(prefix) is directly connected, \(interface)")
                if table == "database" {
                    lines.append("K   \(network(ip, prefix))/\(prefix) via 0.0.0.0, \(interface) inactive")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func network(_ ip: String, _ prefix: Int) -> String {
        let octets = ip.split(separator: ".").compactMap { UInt32($0) }
        guard octets.count == 4, (0...32).contains(prefix) else { return ip }
        let value = octets.reduce(UInt32(0)) { $0 << 8 | $1 }
        let masked = prefix == 0 ? 0 : value & ~UInt32(0) << (32 - prefix)
        return [24, 16, 8, 0].map { String(masked >> UInt32($0) & 0xFF) }.joined(separator: ".")
    }

    /// The syslog, or its last `lines` lines.
    public static func syslog(_ facts: Facts, lines: Int?) -> String {
        let shown = lines.map { Array(facts.syslog.suffix($0)) } ?? facts.syslog
        return shown.isEmpty ? "" : shown.joined(separator: "\n") + "\n"
    }

    /// Everything support asks for, padded to ``Facts/techSupportBytes`` with numbered kernel-buffer lines.
    public static func techSupport(_ facts: Facts) -> String {
        var text = "===== show version =====\n" + version(facts)
        text += "===== show interface =====\n" + interfaces(facts)
        text += "===== show arp =====\n" + arp(facts)
        text += "===== show ip route =====\n" + route(ipv6: false, table: "fib", facts)
        text += "===== show config =====\n" + SimulatedDevice.showConfig(facts.running)
        text += "===== show syslog =====\n" + syslog(facts, lines: nil)
        guard text.utf8.count < facts.techSupportBytes else { return text + "===== end =====\n" }
        text += "===== kernel buffer =====\n"
        var number = 0
        var size = text.utf8.count
        var lines: [String] = []
        let pad = String(repeating: "x", count: 40)
        while size < facts.techSupportBytes {
            let line = "kbuf \(String(format: "%08d", number)) \(facts.identity.hostname) \(pad)"
            size += line.utf8.count + 1
            lines.append(line)
            number += 1
        }
        text += lines.joined(separator: "\n") + "\n===== end =====\n"
        return text
    }

    public static func ping(destination: String, ipv6: Bool, count: Int, source: String?, seed: String) -> String {
        let command = ipv6 ? "PING6" : "PING"
        var lines = ["\(command) \(destination) (\(destination))\(source.map { " from \($0)" } ?? ""): 56 data bytes"]
        let base = Double(seed.utf8.reduce(0) { ($0 &+ Int($1)) % 97 }) / 100 + 0.3
        for sequence in 1...max(count, 1) {
            let time = String(format: "%.1f", base + Double(sequence % 5) / 10)
            lines.append("64 bytes from \(destination): icmp_seq=\(sequence - 1) ttl=64 time=\(time) ms")
        }
        lines.append("--- \(destination) ping statistics ---")
        lines.append("\(count) packets transmitted, \(count) packets received, 0% packet loss")
        return lines.joined(separator: "\n") + "\n"
    }

    public static func traceroute(destination: String, ipv6: Bool, icmp: Bool, source: String?) -> String {
        let command = ipv6 ? "traceroute6" : "traceroute"
        let from = source.map { " from \($0)" } ?? ""
        return "\(command) to \(destination)\(from), 30 hops max, \(icmp ? "ICMP" : "UDP") probes\n"
            + " 1  \(destination)  0.412 ms  0.388 ms  0.371 ms\n"
    }

    /// At most two packets are "captured" (the simulator has no traffic); the count says how many.
    public static func packetDump(interface: String, packets: Int) -> (text: String, captured: Int) {
        let captured = min(packets, 2)
        let lines = (0..<captured).map { index in
            "12:00:00.\(String(format: "%06d", index * 420 + 1)) \(interface) IP 192.168.0.20.51000 > "
                + "192.168.0.254.22: Flags [P.], length 36"
        }
        return (lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n"), captured)
    }

    /// Answers a diagnostic RPC of the nxr module (show, ping, traceroute, packet-dump, get-syslog): the reply's
    /// body elements, an rpc-error, or nil when `operation` is not a diagnostic RPC.
    public static func reply(to operation: XMLElement, _ facts: Facts) -> Result<[XMLElement], RPCError>? {
        let ns = SimModel.namespace
        let argument = { (name: String) -> String? in operation.child(name)?.text.trimmed }
        func leaves(_ pairs: [(String, String)]) -> Result<[XMLElement], RPCError> {
            .success(pairs.map { XMLElement($0.0, namespace: ns, text: $0.1) })
        }
        func number(_ name: String, _ fallback: Int, _ range: ClosedRange<Int>) -> Result<Int, RPCError> {
            guard let text = argument(name) else { return .success(fallback) }
            guard let value = Int(text), range.contains(value) else {
                return .failure(
                    ServerError.invalidValue(
                        "\(operation.name) \(name) must be \(range.lowerBound)-\(range.upperBound), not '\(text)'"))
            }
            return .success(value)
        }
        switch operation.name {
        case "show":
            let args = argument("args") ?? ""
            guard (1...255).contains(args.count), args.allSatisfy({ $0.isASCII && !$0.isNewline }) else {
                return .failure(ServerError.invalidValue("show args must be 1-255 printable ASCII characters"))
            }
            return show(args, facts).map { [XMLElement("text", namespace: ns, text: $0)] }
        case "ping":
            guard let destination = argument("destination"), !destination.isEmpty else {
                return .failure(ServerError.missingElement("destination", in: "ping"))
            }
            let count: Int
            switch number("count", 5, 1...60) {
            case .success(let value): count = value
            case .failure(let error): return .failure(error)
            }
            let text = ping(
                destination: destination, ipv6: argument("family") == "ipv6", count: count, source: argument("source"),
                seed: facts.identity.deviceCode ?? facts.identity.serial)
            return leaves([("text", text), ("transmitted", String(count)), ("received", String(count))])
        case "traceroute":
            guard let destination = argument("destination"), !destination.isEmpty else {
                return .failure(ServerError.missingElement("destination", in: "traceroute"))
            }
            return leaves([
                (
                    "text",
                    traceroute(
                        destination: destination, ipv6: argument("family") == "ipv6",
                        icmp: argument("protocol") == "icmp", source: argument("source"))
                )
            ])
        case "packet-dump":
            guard let interface = argument("interface"), SimModel.isInterfaceName(interface) else {
                return .failure(ServerError.invalidValue("packet-dump needs an interface (ethernetN, pppN or tunnelN)"))
            }
            if case .failure(let error) = number("duration", 10, 10...180) { return .failure(error) }
            switch number("packets", 100, 1...1000) {
            case .success(let packets):
                let dump = packetDump(interface: interface, packets: packets)
                return leaves([("text", dump.text), ("captured", String(dump.captured))])
            case .failure(let error):
                return .failure(error)
            }
        case "get-syslog":
            switch number("lines", Int.max, 1...Int.max) {
            case .success(let lines): return leaves([("text", syslog(facts, lines: lines == Int.max ? nil : lines))])
            case .failure(let error): return .failure(error)
            }
        default:
            return nil
        }
    }
}
