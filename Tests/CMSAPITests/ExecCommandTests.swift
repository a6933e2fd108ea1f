import CMSAPI
import Testing

/// The argument rules of `cms exec` (SPEC §7): one table of accepted commands with their defaults filled in, one of
/// refused commands with the field and the message the operator sees.
@Suite struct ExecCommandTests {
    static let accepted: [(ExecCommand, ExecCommand)] = [
        (ExecCommand(kind: .show, arguments: "ip route"), ExecCommand(kind: .show, arguments: "ip route")),
        (
            ExecCommand(kind: .show, arguments: String(repeating: "a", count: 255)),
            ExecCommand(kind: .show, arguments: String(repeating: "a", count: 255))
        ),
        (ExecCommand(kind: .show, arguments: "~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./"),
         ExecCommand(kind: .show, arguments: "~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./")),
        (ExecCommand(kind: .syslog), ExecCommand(kind: .syslog)),
        (ExecCommand(kind: .techSupport), ExecCommand(kind: .techSupport)),
        (ExecCommand(kind: .arp), ExecCommand(kind: .arp)),
        (ExecCommand(kind: .route), ExecCommand(kind: .route, family: .ipv4, table: .fib)),
        (ExecCommand(kind: .route, family: .ipv6, table: .cache), ExecCommand(kind: .route, family: .ipv6, table: .cache)),
        (ExecCommand(kind: .ping, destination: "192.0.2.1"), ExecCommand(kind: .ping, family: .ipv4, destination: "192.0.2.1", count: 5)),
        (
            ExecCommand(kind: .ping, family: .ipv6, destination: "2001:db8::1", count: 60, source: "2001:db8::2"),
            ExecCommand(kind: .ping, family: .ipv6, destination: "2001:db8::1", count: 60, source: "2001:db8::2")
        ),
        (
            ExecCommand(kind: .ping, destination: "gw.example.jp", count: 1, source: "10.0.0.1"),
            ExecCommand(kind: .ping, family: .ipv4, destination: "gw.example.jp", count: 1, source: "10.0.0.1")
        ),
        (
            ExecCommand(kind: .ping, family: .ipv6, destination: "::ffff:192.0.2.1"),
            ExecCommand(kind: .ping, family: .ipv6, destination: "::ffff:192.0.2.1", count: 5)
        ),
        (
            ExecCommand(kind: .traceroute, destination: "198.51.100.7", icmp: true),
            ExecCommand(kind: .traceroute, family: .ipv4, destination: "198.51.100.7", icmp: true)
        ),
        (
            ExecCommand(kind: .traceroute, destination: "host-1.example"),
            ExecCommand(kind: .traceroute, family: .ipv4, destination: "host-1.example", icmp: false)
        ),
        (
            ExecCommand(kind: .packetDump, interface: "ethernet0"),
            ExecCommand(kind: .packetDump, interface: "ethernet0", seconds: 10, packets: 100)
        ),
        (
            ExecCommand(kind: .packetDump, interface: "ppp0", seconds: 180, packets: 1000),
            ExecCommand(kind: .packetDump, interface: "ppp0", seconds: 180, packets: 1000)
        ),
        (
            ExecCommand(kind: .packetDump, interface: "tunnel12", seconds: 10, packets: 1),
            ExecCommand(kind: .packetDump, interface: "tunnel12", seconds: 10, packets: 1)
        ),
    ]

    @Test("accepted commands get their defaults", arguments: accepted)
    func accepts(_ command: ExecCommand, _ expected: ExecCommand) throws {
        #expect(try command.validated() == expected)
    }

    static let refused: [(ExecCommand, String, String)] = [
        (ExecCommand(kind: .show), "arguments", "show needs arguments"),
        (ExecCommand(kind: .show, arguments: "   "), "arguments", "show needs arguments"),
        (ExecCommand(kind: .show, arguments: String(repeating: "a", count: 256)), "arguments", "256 characters; at most 255"),
        (ExecCommand(kind: .show, arguments: "ip route\nreboot"), "arguments", "printable ASCII"),
        (ExecCommand(kind: .show, arguments: "インターフェース"), "arguments", "printable ASCII"),
        (ExecCommand(kind: .show, arguments: "ip\troute"), "arguments", "printable ASCII"),
        (ExecCommand(kind: .show, arguments: "show ip route"), "arguments", "leave out the word `show`"),
        (ExecCommand(kind: .syslog, arguments: "x"), "arguments", "syslog takes no arguments"),
        (ExecCommand(kind: .arp, destination: "192.0.2.1"), "destination", "arp takes no destination"),
        (ExecCommand(kind: .route, count: 3), "count", "route takes no count"),
        (ExecCommand(kind: .ping), "destination", "ping needs a destination"),
        (ExecCommand(kind: .ping, destination: "bad_host!"), "destination", "neither an IP address nor a host name"),
        (ExecCommand(kind: .ping, destination: "-leading.example"), "destination", "neither an IP address"),
        (ExecCommand(kind: .ping, destination: "256.1.1.1"), "destination", "neither an IP address"),
        (ExecCommand(kind: .ping, destination: "2001:db8::1::2"), "destination", "neither an IP address"),
        (ExecCommand(kind: .ping, destination: "192.0.2.1", count: 0), "count", "count must be 1 to 60, not 0"),
        (ExecCommand(kind: .ping, destination: "192.0.2.1", count: 61), "count", "count must be 1 to 60, not 61"),
        (ExecCommand(kind: .ping, family: .ipv6, destination: "192.0.2.1"), "destination", "IPv4 address; leave out -6"),
        (ExecCommand(kind: .ping, destination: "2001:db8::1"), "destination", "IPv6 address; add -6"),
        (ExecCommand(kind: .ping, destination: "192.0.2.1", source: "2001:db8::2"), "source", "not an IPv4 address"),
        (ExecCommand(kind: .ping, destination: "192.0.2.1", source: "gw.example"), "source", "not an IP address"),
        (ExecCommand(kind: .ping, destination: "192.0.2.1", icmp: true), "icmp", "ping takes no icmp"),
        (ExecCommand(kind: .traceroute, destination: "192.0.2.1", count: 3), "count", "traceroute takes no count"),
        (ExecCommand(kind: .traceroute), "destination", "traceroute needs a destination"),
        (ExecCommand(kind: .packetDump), "interface", "packet-dump needs an interface"),
        (ExecCommand(kind: .packetDump, interface: "eth0"), "interface", "'eth0' is not an interface name"),
        (ExecCommand(kind: .packetDump, interface: "ethernet"), "interface", "not an interface name"),
        (ExecCommand(kind: .packetDump, interface: "ethernet0", seconds: 9), "seconds", "10 to 180, not 9"),
        (ExecCommand(kind: .packetDump, interface: "ethernet0", seconds: 181), "seconds", "10 to 180, not 181"),
        (ExecCommand(kind: .packetDump, interface: "ethernet0", packets: 0), "packets", "1 to 1000, not 0"),
        (ExecCommand(kind: .packetDump, interface: "ethernet0", packets: 1001), "packets", "1 to 1000, not 1001"),
    ]

    @Test("refused commands name the field and say what to do", arguments: refused)
    func refuses(_ command: ExecCommand, _ field: String, _ message: String) {
        #expect {
            try command.validated()
        } throws: { error in
            guard let error = error as? ExecArgumentError else { return false }
            return error.field == field && error.message.contains(message)
        }
    }

    @Test func theCommandLineIsWhatTheOperatorTyped() throws {
        #expect(try ExecCommand(kind: .show, arguments: "ip route").validated().commandLine == "show ip route")
        #expect(
            try ExecCommand(kind: .ping, family: .ipv6, destination: "2001:db8::1", count: 3).validated().commandLine
                == "ping 2001:db8::1 --count 3 -6")
        #expect(
            try ExecCommand(kind: .packetDump, interface: "ethernet1").validated().commandLine
                == "packet-dump ethernet1 --seconds 10 --packets 100")
    }

    @Test func commandsTravelAsJSONUnchanged() throws {
        for (command, _) in Self.accepted {
            let data = try JSONEncoder().encode(command)
            #expect(try JSONDecoder().decode(ExecCommand.self, from: data) == command)
        }
    }
}

import Foundation
