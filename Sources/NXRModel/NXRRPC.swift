import NETCONF

/// Formats of a configuration file (`config-format`).
public enum ConfigFormat: String, Sendable, Hashable, Codable, CaseIterable {
    case xml, tgz
    case showConfig = "show-config"
}

/// Outcome of a file transfer (`transfer-status`).
public enum TransferStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case done, failed
}

/// Firmware update modes.
public enum FirmwareMode: String, Sendable, Hashable, Codable, CaseIterable {
    case normal, background
    case noReboot = "no-reboot"

    /// Products on which background and no-reboot exist (SPEC §5).
    public static let advancedModeProducts: Set<String> = ["NXR-125", "NXR-155", "NXR-230", "NXR-350", "NXR-1200"]
}

/// A vendor RPC of the nxr module with its input (schemas/nxr.yang, docs/nxr-model.md §5):
/// what a client builds and what `nxr-sim` receives.
public enum NXRRPC: Sendable, Hashable {
    public struct FirmwareUpdate: Sendable, Hashable {
        public var url: String
        public var password: String?
        public var sha256: String
        public var mode: FirmwareMode

        public init(url: String, password: String? = nil, sha256: String, mode: FirmwareMode = .normal) {
            self.url = url
            self.password = password
            self.sha256 = sha256
            self.mode = mode
        }
    }

    public struct ConfigBackup: Sendable, Hashable {
        public var format: ConfigFormat
        /// Upload to this `ssh://` URL instead of replying inline.
        public var url: String?
        public var password: String?

        public init(format: ConfigFormat, url: String? = nil, password: String? = nil) {
            self.format = format
            self.url = url
            self.password = password
        }
    }

    public struct ConfigRestore: Sendable, Hashable {
        public enum Source: Sendable, Hashable {
            case content([UInt8])
            case url(String)
        }

        public var format: ConfigFormat
        public var source: Source
        public var password: String?
        /// Also store as startup configuration.
        public var save: Bool

        public init(format: ConfigFormat, source: Source, password: String? = nil, save: Bool = true) {
            self.format = format
            self.source = source
            self.password = password
            self.save = save
        }
    }

    public struct Ping: Sendable, Hashable {
        public var destination: String
        public var family: AddressFamily
        public var count: UInt8
        public var source: String?

        public init(destination: String, family: AddressFamily = .ipv4, count: UInt8 = 5, source: String? = nil) {
            self.destination = destination
            self.family = family
            self.count = count
            self.source = source
        }
    }

    public struct Traceroute: Sendable, Hashable {
        public enum Probe: String, Sendable, Hashable, CaseIterable { case udp, icmp }

        public var destination: String
        public var family: AddressFamily
        public var probe: Probe
        public var source: String?

        public init(destination: String, family: AddressFamily = .ipv4, probe: Probe = .udp, source: String? = nil) {
            self.destination = destination
            self.family = family
            self.probe = probe
            self.source = source
        }
    }

    public struct PacketDump: Sendable, Hashable {
        public var interface: String
        /// Seconds, 10–180.
        public var duration: UInt8
        /// 1–1000.
        public var packets: UInt16

        public init(interface: String, duration: UInt8 = 10, packets: UInt16 = 100) {
            self.interface = interface
            self.duration = duration
            self.packets = packets
        }
    }

    case reboot(delay: UInt32)
    case firmwareUpdate(FirmwareUpdate)
    case configBackup(ConfigBackup)
    case configRestore(ConfigRestore)
    case show(args: String)
    case ping(Ping)
    case traceroute(Traceroute)
    case packetDump(PacketDump)
    case getIPsecStatus(policy: String?)
    case getSyslog(lines: UInt32?)

    /// The RPC's YANG name (its element's local name).
    public var name: String {
        switch self {
        case .reboot: "reboot"
        case .firmwareUpdate: "firmware-update"
        case .configBackup: "config-backup"
        case .configRestore: "config-restore"
        case .show: "show"
        case .ping: "ping"
        case .traceroute: "traceroute"
        case .packetDump: "packet-dump"
        case .getIPsecStatus: "get-ipsec-status"
        case .getSyslog: "get-syslog"
        }
    }

    /// Every RPC name of the module.
    public static let names = [
        "reboot", "firmware-update", "config-backup", "config-restore", "show", "ping",
        "traceroute", "packet-dump", "get-ipsec-status", "get-syslog",
    ]

    /// Reads an `<rpc>`'s operation element. Nil when it is not an nxr RPC (e.g. `<get-config>`);
    /// throws when it is one but its input breaks the model (a server answers `invalid-value` with
    /// the error's path).
    public static func parse(_ operation: XMLElement) throws(NXRModelError) -> NXRRPC? {
        guard operation.namespace == NXRNamespace.uri, names.contains(operation.name) else { return nil }
        let node = Node(operation, path: "/nxr:" + operation.name)
        switch operation.name {
        case "reboot":
            return .reboot(delay: try node.uint("delay", 0...3600) ?? 0)
        case "firmware-update":
            let url = try node.required("url")
            guard url.hasPrefix("http://") || url.hasPrefix("https://") || url.hasPrefix("ssh://"),
                url.utf8.count <= 255
            else { throw node.error("url", "'\(url)' is not an http://, https:// or ssh:// URL of ≤255 chars") }
            let sha = try node.required("sha256")
            guard sha.utf8.count == 64,
                sha.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
            else { throw node.error("sha256", "'\(sha)' is not 64 lower-case hex digits") }
            return .firmwareUpdate(
                FirmwareUpdate(
                    url: url, password: node.rawString("password"), sha256: sha,
                    mode: try node.enumeration("mode") ?? .normal))
        case "config-backup":
            guard let format: ConfigFormat = try node.enumeration("format") else {
                throw node.error("format", "missing; it is mandatory")
            }
            return .configBackup(
                ConfigBackup(format: format, url: try sshURL(node), password: node.rawString("password")))
        case "config-restore":
            guard let format: ConfigFormat = try node.enumeration("format") else {
                throw node.error("format", "missing; it is mandatory")
            }
            let source: ConfigRestore.Source
            if let url = try sshURL(node) {
                source = .url(url)
            } else if let text = node.rawString("content") {
                guard let bytes = Base64.decode(text) else { throw node.error("content", "not valid base64") }
                source = .content(bytes)
            } else {
                throw node.error("content", "missing: give content or url")
            }
            return .configRestore(
                ConfigRestore(
                    format: format, source: source, password: node.rawString("password"),
                    save: try node.bool("save") ?? true))
        case "show":
            guard let args = node.rawString("args") else { throw node.error("args", "missing; it is mandatory") }
            guard (1...255).contains(args.utf8.count), args.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
                throw node.error("args", "must be 1–255 printable ASCII characters")
            }
            return .show(args: args)
        case "ping":
            return .ping(
                Ping(
                    destination: try node.required("destination"),
                    family: try node.enumeration("family") ?? .ipv4, count: try node.uint("count", 1...60) ?? 5,
                    source: node.string("source")))
        case "traceroute":
            return .traceroute(
                Traceroute(
                    destination: try node.required("destination"),
                    family: try node.enumeration("family") ?? .ipv4,
                    probe: try node.enumeration("protocol") ?? .udp, source: node.string("source")))
        case "packet-dump":
            guard let interface = try node.matching("interface", Lexical.isInterfaceName, "ethernetN, pppN or tunnelN")
            else { throw node.error("interface", "missing; it is mandatory") }
            return .packetDump(
                PacketDump(
                    interface: interface, duration: try node.uint("duration", 10...180) ?? 10,
                    packets: try node.uint("packets", 1...1000) ?? 100))
        case "get-ipsec-status":
            return .getIPsecStatus(policy: node.string("policy"))
        default:
            return .getSyslog(lines: try node.uint("lines", 1...UInt32.max))
        }
    }

    private static func sshURL(_ node: Node) throws(NXRModelError) -> String? {
        guard let url = node.string("url") else { return nil }
        guard url.hasPrefix("ssh://"), url.utf8.count <= 255 else {
            throw node.error("url", "'\(url)' is not an ssh:// URL of ≤255 chars")
        }
        return url
    }

    /// The operation element to put in an `<rpc>` (`RPC.envelope(messageID:operation:)`).
    public func xml() -> XMLElement {
        let leaves: [XMLElement?]
        switch self {
        case .reboot(let delay):
            leaves = [Build.leaf("delay", delay)]
        case .firmwareUpdate(let f):
            leaves = [
                Build.leaf("url", f.url), Build.leaf("password", f.password), Build.leaf("sha256", f.sha256),
                Build.leaf("mode", f.mode),
            ]
        case .configBackup(let b):
            leaves = [Build.leaf("format", b.format), Build.leaf("url", b.url), Build.leaf("password", b.password)]
        case .configRestore(let r):
            var source: XMLElement?
            switch r.source {
            case .content(let bytes): source = Build.leaf("content", Base64.encode(bytes))
            case .url(let url): source = Build.leaf("url", url)
            }
            leaves = [
                Build.leaf("format", r.format), source, Build.leaf("password", r.password), Build.leaf("save", r.save),
            ]
        case .show(let args):
            leaves = [Build.leaf("args", args)]
        case .ping(let p):
            leaves = [
                Build.leaf("destination", p.destination), Build.leaf("family", p.family),
                Build.leaf("count", p.count), Build.leaf("source", p.source),
            ]
        case .traceroute(let t):
            leaves = [
                Build.leaf("destination", t.destination), Build.leaf("family", t.family),
                Build.leaf("protocol", t.probe), Build.leaf("source", t.source),
            ]
        case .packetDump(let d):
            leaves = [
                Build.leaf("interface", d.interface), Build.leaf("duration", d.duration),
                Build.leaf("packets", d.packets),
            ]
        case .getIPsecStatus(let policy):
            leaves = [Build.leaf("policy", policy)]
        case .getSyslog(let lines):
            leaves = [Build.leaf("lines", lines)]
        }
        return Build.element(name, leaves)
    }
}
