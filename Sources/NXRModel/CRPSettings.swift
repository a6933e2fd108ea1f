import NETCONF

/// The CRP client settings (`/nxr:crp`, docs/crp.md).
public struct CRPSettings: Sendable, Hashable, Codable {
    /// One CMS server to announce to (`client` list, at most 2).
    public struct Client: Sendable, Hashable, Codable {
        public var id: UInt8
        public var serverAddress: String
        public var serverPort: UInt16
        /// Seconds between announcements; 0 = only at boot.
        public var keepalive: UInt32

        public init(id: UInt8, serverAddress: String, serverPort: UInt16 = 10625, keepalive: UInt32 = 3600) {
            self.id = id
            self.serverAddress = serverAddress
            self.serverPort = serverPort
            self.keepalive = keepalive
        }
    }

    /// Tenant code.
    public var customerID: String?
    /// Device code; nil when registered by serial.
    public var cpeID: String?
    public var sourcePort: UInt16
    /// The tenant's CRP secret (signs announcements when set).
    public var secret: String?
    /// Announce this interface's address (when `advertiseAddress` is nil).
    public var advertiseInterface: String?
    /// Which of the interface's addresses.
    public var advertiseFamily: AddressFamily
    /// Announce this fixed address instead of an interface's.
    public var advertiseAddress: String?
    public var advertisePort: UInt16
    public var clients: [Client]

    public init(
        customerID: String? = nil, cpeID: String? = nil, sourcePort: UInt16 = 10625, secret: String? = nil,
        advertiseInterface: String? = nil, advertiseFamily: AddressFamily = .ipv4,
        advertiseAddress: String? = nil, advertisePort: UInt16 = 22, clients: [Client] = []
    ) {
        self.customerID = customerID
        self.cpeID = cpeID
        self.sourcePort = sourcePort
        self.secret = secret
        self.advertiseInterface = advertiseInterface
        self.advertiseFamily = advertiseFamily
        self.advertiseAddress = advertiseAddress
        self.advertisePort = advertisePort
        self.clients = clients
    }

    init(node: Node) throws(NXRModelError) {
        self.init()
        customerID = try node.matching(
            "customer-id", Lexical.isTenantCode, "a tenant code (1–16 of [a-z0-9_-], first a letter)")
        cpeID = try node.matching("cpe-id", Lexical.isDeviceCode, "a device code (1–16 of [a-z0-9_], first a letter)")
        sourcePort = try node.uint("source-port", 0...UInt16.max) ?? 10625
        secret = node.string("secret")
        if let advertise = node.child("advertise") {
            advertiseAddress = advertise.string("address")
            if advertiseAddress == nil {
                advertiseInterface = try advertise.matching(
                    "interface", Lexical.isInterfaceName, "ethernetN, pppN or tunnelN")
                advertiseFamily = try advertise.enumeration("family") ?? .ipv4
            }
            advertisePort = try advertise.uint("port", 1...UInt16.max) ?? 22
        }
        clients = try node.list("client", key: "id").map { entry throws(NXRModelError) in
            guard let id = try entry.uint("id", UInt8(1)...2) else { throw entry.error("id", "missing; it is the key") }
            return Client(
                id: id, serverAddress: try entry.required("server-address"),
                serverPort: try entry.uint("server-port", 1...UInt16.max) ?? 10625,
                keepalive: try entry.uint("keepalive", 0...86_400) ?? 3600)
        }
    }

    /// The `<crp>` element, every leaf explicit.
    public func xml() -> XMLElement {
        let advertise: [XMLElement?] =
            advertiseAddress != nil
            ? [Build.leaf("address", advertiseAddress), Build.leaf("port", advertisePort)]
            : [
                Build.leaf("interface", advertiseInterface), Build.leaf("family", advertiseFamily),
                Build.leaf("port", advertisePort),
            ]
        return Build.element(
            "crp",
            [
                Build.leaf("customer-id", customerID), Build.leaf("cpe-id", cpeID),
                Build.leaf("source-port", sourcePort),
                Build.leaf("secret", secret), Build.element("advertise", advertise),
            ]
                + clients.map { client in
                    Build.element(
                        "client",
                        [
                            Build.leaf("id", client.id), Build.leaf("server-address", client.serverAddress),
                            Build.leaf("server-port", client.serverPort), Build.leaf("keepalive", client.keepalive),
                        ])
                })
    }
}
