import NETCONF

/// Operational state of one interface (`/nxr:interfaces/interface/state`).
public struct InterfaceState: Sendable, Hashable, Codable {
    public enum OperStatus: String, Sendable, Hashable, Codable, CaseIterable { case up, down }

    /// An address the interface holds now, however obtained.
    public struct Address: Sendable, Hashable, Codable {
        public enum Origin: String, Sendable, Hashable, Codable, CaseIterable {
            case `static`, dhcp, negotiated, autoconf
            case linkLocal = "link-local"
        }

        public var ip: String
        public var prefixLength: UInt8?
        public var origin: Origin?

        public init(ip: String, prefixLength: UInt8? = nil, origin: Origin? = nil) {
            self.ip = ip
            self.prefixLength = prefixLength
            self.origin = origin
        }
    }

    /// The interface's name (the list key).
    public var name: String
    public var operStatus: OperStatus?
    public var macAddress: String?
    public var addresses: [Address]
    public var rxBytes: UInt64?
    public var txBytes: UInt64?

    public init(
        name: String, operStatus: OperStatus? = nil, macAddress: String? = nil, addresses: [Address] = [],
        rxBytes: UInt64? = nil, txBytes: UInt64? = nil
    ) {
        self.name = name
        self.operStatus = operStatus
        self.macAddress = macAddress
        self.addresses = addresses
        self.rxBytes = rxBytes
        self.txBytes = txBytes
    }

    init(name: String, node: Node) throws(NXRModelError) {
        self.init(
            name: name, operStatus: try node.enumeration("oper-status"), macAddress: node.string("mac-address"),
            addresses: try node.list("address", key: "ip").map { a throws(NXRModelError) in
                Address(
                    ip: try a.required("ip"), prefixLength: try a.uint("prefix-length", 0...128),
                    origin: try a.enumeration("origin"))
            },
            rxBytes: try node.uint("rx-bytes", 0...UInt64.max), txBytes: try node.uint("tx-bytes", 0...UInt64.max))
    }

    /// The `<state>` element of the interface.
    public func xml() -> XMLElement {
        Build.element(
            "state",
            [Build.leaf("oper-status", operStatus), Build.leaf("mac-address", macAddress)]
                + addresses.map { a in
                    Build.element(
                        "address",
                        [
                            Build.leaf("ip", a.ip), Build.leaf("prefix-length", a.prefixLength),
                            Build.leaf("origin", a.origin),
                        ])
                }
                + [Build.leaf("rx-bytes", rxBytes), Build.leaf("tx-bytes", txBytes)])
    }
}
