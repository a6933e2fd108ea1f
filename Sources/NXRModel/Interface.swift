import NETCONF

/// An IP version (`address-family` in schemas/nxr.yang).
public enum AddressFamily: String, Sendable, Hashable, Codable, CaseIterable {
    case ipv4, ipv6
}

/// A static interface address.
public struct InterfaceAddress: Sendable, Hashable, Codable {
    public var ip: String
    public var prefixLength: UInt8

    public init(ip: String, prefixLength: UInt8) {
        self.ip = ip
        self.prefixLength = prefixLength
    }
}

/// The configuration of one interface (`/nxr:interfaces/interface`).
public struct Interface: Sendable, Hashable, Codable {
    /// How the interface gets its IPv4 address (the YANG choice `ipv4/method`).
    public enum IPv4Method: Sendable, Hashable, Codable {
        /// No IPv4 address of its own (e.g. an ethernet carrying PPPoE).
        case none
        /// Static addresses; an empty list means the same as `none` (and parses back as `none`).
        case addresses([InterfaceAddress])
        case dhcp
        /// Negotiated by PPP.
        case negotiated
    }

    /// `ethernetN`, `pppN` or `tunnelN`.
    public var name: String
    public var description: String?
    public var enabled: Bool
    public var mtu: UInt16?
    public var ipv4: IPv4Method
    public var ipv6Addresses: [InterfaceAddress]
    public var ipv6Autoconf: Bool

    public init(
        name: String, description: String? = nil, enabled: Bool = true, mtu: UInt16? = nil,
        ipv4: IPv4Method = .none, ipv6Addresses: [InterfaceAddress] = [], ipv6Autoconf: Bool = false
    ) {
        self.name = name
        self.description = description
        self.enabled = enabled
        self.mtu = mtu
        self.ipv4 = ipv4
        self.ipv6Addresses = ipv6Addresses
        self.ipv6Autoconf = ipv6Autoconf
    }

    init(node: Node) throws(NXRModelError) {
        let name = try node.required("name")
        guard Lexical.isInterfaceName(name) else {
            throw node.error("name", "'\(name)' is not ethernetN, pppN or tunnelN")
        }
        var ipv4: IPv4Method = .none
        if let v4 = node.child("ipv4") {
            if v4.has("dhcp") {
                ipv4 = .dhcp
            } else if v4.has("negotiated") {
                ipv4 = .negotiated
            } else {
                let addresses = try v4.list("address", key: "ip").map { entry throws(NXRModelError) in
                    InterfaceAddress(
                        ip: try entry.required("ip"), prefixLength: try entry.requiredUInt("prefix-length", 0...32))
                }
                if !addresses.isEmpty { ipv4 = .addresses(addresses) }
            }
        }
        let v6 = node.child("ipv6")
        let v6Addresses = try (v6?.list("address", key: "ip") ?? []).map { entry throws(NXRModelError) in
            InterfaceAddress(
                ip: try entry.required("ip"), prefixLength: try entry.requiredUInt("prefix-length", 0...128))
        }
        self.init(
            name: name, description: node.rawString("description"), enabled: try node.bool("enabled") ?? true,
            mtu: try node.uint("mtu", 68...9000), ipv4: ipv4, ipv6Addresses: v6Addresses,
            ipv6Autoconf: try v6?.bool("autoconf") ?? false)
    }

    /// The `<interface>` element, every leaf explicit.
    public func xml() -> XMLElement {
        func address(_ a: InterfaceAddress) -> XMLElement {
            Build.element("address", [Build.leaf("ip", a.ip), Build.leaf("prefix-length", a.prefixLength)])
        }
        let v4: XMLElement? =
            switch ipv4 {
            case .none: nil
            case .addresses(let list): list.isEmpty ? nil : Build.element("ipv4", list.map(address))
            case .dhcp: Build.element("ipv4", [Build.empty("dhcp", true)])
            case .negotiated: Build.element("ipv4", [Build.empty("negotiated", true)])
            }
        let v6 = Build.element("ipv6", ipv6Addresses.map(address) + [Build.leaf("autoconf", ipv6Autoconf)])
        return Build.element(
            "interface",
            [
                Build.leaf("name", name), Build.leaf("description", description), Build.leaf("enabled", enabled),
                Build.leaf("mtu", mtu), v4, v6,
            ])
    }
}
