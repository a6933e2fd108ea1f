import CMSAPI
import NXRModel

extension ExecCommand {
    /// The NXR RPC that carries out a validated command (docs/diagnostics.md has the table): `show` for show, arp,
    /// route and tech-support (as on the NXR's CLI), `get-syslog`, `ping`, `traceroute`, `packet-dump`.
    var rpc: NXRRPC {
        switch kind {
        case .show: .show(args: arguments ?? "")
        case .syslog: .getSyslog(lines: nil)
        case .techSupport: .show(args: "tech-support")
        case .arp: .show(args: "arp")
        case .route: .show(args: Self.routeArguments(family: family ?? .ipv4, table: table ?? .fib))
        case .ping:
            .ping(
                NXRRPC.Ping(
                    destination: destination ?? "", family: family == .ipv6 ? .ipv6 : .ipv4,
                    count: UInt8(clamping: count ?? 5), source: source))
        case .traceroute:
            .traceroute(
                NXRRPC.Traceroute(
                    destination: destination ?? "", family: family == .ipv6 ? .ipv6 : .ipv4,
                    probe: icmp == true ? .icmp : .udp, source: source))
        case .packetDump:
            .packetDump(
                NXRRPC.PacketDump(
                    interface: interface ?? "", duration: UInt8(clamping: seconds ?? 10),
                    packets: UInt16(clamping: packets ?? 100)))
        }
    }

    /// `ip route` (fib), `ip route database` (rib), `ip route cache`; `ipv6 …` likewise.
    static func routeArguments(family: Family, table: RouteTable) -> String {
        let base = family == .ipv6 ? "ipv6 route" : "ip route"
        switch table {
        case .fib: return base
        case .rib: return base + " database"
        case .cache: return base + " cache"
        }
    }
}
