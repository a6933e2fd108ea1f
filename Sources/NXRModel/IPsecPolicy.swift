import NETCONF

/// An IPsec (phase 2) policy (`/nxr:ipsec/ipsec-policy`). Defaults are the original product's.
public struct IPsecPolicy: Sendable, Hashable, Codable {
    public enum ESPEncryption: String, Sendable, Hashable, Codable, CaseIterable {
        case aes128
        case tripleDES = "3des"
        case null
    }
    public enum ESPHash: String, Sendable, Hashable, Codable, CaseIterable {
        case sha1HMAC = "sha1-hmac"
        case md5HMAC = "md5-hmac"
    }

    /// Perfect forward secrecy: off, or a DH group (1, 2, 5, 14).
    public enum PFS: Sendable, Hashable, Codable, CustomStringConvertible {
        case none
        case group(UInt8)

        public var description: String {
            switch self {
            case .none: "none"
            case .group(let g): String(g)
            }
        }
    }

    /// A protected network: a prefix, or `host` (the device's own WAN address).
    public enum Network: Sendable, Hashable, Codable, CustomStringConvertible {
        case host
        case prefix(String)

        public var description: String {
            switch self {
            case .host: "host"
            case .prefix(let p): p
            }
        }
    }

    public var name: String
    public var description: String?
    public var enabled: Bool
    /// Name of the IKE policy of the peer.
    public var ikePolicy: String
    public var lowerLayer: AddressFamily
    /// The WAN interface.
    public var localInterface: String
    public var localNetwork: Network
    public var remoteNetwork: Network
    public var espEncryption: ESPEncryption
    public var espHash: ESPHash
    public var pfs: PFS
    /// IPsec SA lifetime, 1081–86400 s.
    public var saLifetime: UInt32

    public init(
        name: String, description: String? = nil, enabled: Bool = true, ikePolicy: String,
        lowerLayer: AddressFamily = .ipv4, localInterface: String, localNetwork: Network,
        remoteNetwork: Network, espEncryption: ESPEncryption = .aes128, espHash: ESPHash = .sha1HMAC,
        pfs: PFS = .group(2), saLifetime: UInt32 = 3600
    ) {
        self.name = name
        self.description = description
        self.enabled = enabled
        self.ikePolicy = ikePolicy
        self.lowerLayer = lowerLayer
        self.localInterface = localInterface
        self.localNetwork = localNetwork
        self.remoteNetwork = remoteNetwork
        self.espEncryption = espEncryption
        self.espHash = espHash
        self.pfs = pfs
        self.saLifetime = saLifetime
    }

    /// True when cms generated it (name starts with `cms-`): the only entries the reconciler touches.
    public var isManagedByCMS: Bool { name.hasPrefix(NXRNamespace.managedPrefix) }

    init(node: Node) throws(NXRModelError) {
        let name = try node.required("name")
        guard Lexical.isPolicyName(name) else { throw node.error("name", "'\(name)' is not a policy name") }
        func network(_ leaf: String) throws(NXRModelError) -> Network {
            let text = try node.required(leaf)
            if text == "host" { return .host }
            guard text.contains("/") else {
                throw node.error(leaf, "'\(text)' is neither a prefix (a.b.c.d/n) nor host")
            }
            return .prefix(text)
        }
        var pfs = PFS.group(2)
        if let text = node.string("pfs") {
            if text == "none" {
                pfs = .none
            } else if let group = UInt8(text), IKEPolicy.dhGroups.contains(group) {
                pfs = .group(group)
            } else {
                throw node.error("pfs", "'\(text)' is not none, 1, 2, 5 or 14")
            }
        }
        let interface = try node.required("local-interface")
        guard Lexical.isInterfaceName(interface) else {
            throw node.error("local-interface", "'\(interface)' is not ethernetN, pppN or tunnelN")
        }
        self.init(
            name: name, description: node.rawString("description"), enabled: try node.bool("enabled") ?? true,
            ikePolicy: try node.required("ike-policy"), lowerLayer: try node.enumeration("lower-layer") ?? .ipv4,
            localInterface: interface, localNetwork: try network("local-network"),
            remoteNetwork: try network("remote-network"),
            espEncryption: try node.enumeration("esp-encryption") ?? .aes128,
            espHash: try node.enumeration("esp-hash") ?? .sha1HMAC, pfs: pfs,
            saLifetime: try node.uint("sa-lifetime", 1081...86_400) ?? 3600)
    }

    /// The `<ipsec-policy>` element, every leaf explicit.
    public func xml() -> XMLElement {
        Build.element(
            "ipsec-policy",
            [
                Build.leaf("name", name), Build.leaf("description", description), Build.leaf("enabled", enabled),
                Build.leaf("ike-policy", ikePolicy), Build.leaf("lower-layer", lowerLayer),
                Build.leaf("local-interface", localInterface), Build.leaf("local-network", localNetwork.description),
                Build.leaf("remote-network", remoteNetwork.description), Build.leaf("esp-encryption", espEncryption),
                Build.leaf("esp-hash", espHash), Build.leaf("pfs", pfs.description),
                Build.leaf("sa-lifetime", saLifetime),
            ])
    }
}
