import NETCONF

/// An IKE identity (`local-id` / `remote-id`).
public struct IKEID: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case fqdn
        case userFQDN = "user-fqdn"
    }

    public var type: Kind
    public var value: String

    public init(type: Kind = .fqdn, value: String) {
        self.type = type
        self.value = value
    }

    init(node: Node) throws(NXRModelError) {
        guard let value = try node.matching("value", Lexical.isIKEIDValue, "1–128 of [A-Za-z0-9_.@-]") else {
            throw node.error("value", "missing; it is mandatory")
        }
        self.init(type: try node.enumeration("type") ?? .fqdn, value: value)
    }

    func xml(_ name: String) -> XMLElement {
        Build.element(name, [Build.leaf("type", type), Build.leaf("value", value)])
    }
}

/// An IKE (ISAKMP, phase 1) policy (`/nxr:ipsec/ike-policy`). Defaults are the original product's.
public struct IKEPolicy: Sendable, Hashable, Codable {
    public enum ExchangeMode: String, Sendable, Hashable, Codable, CaseIterable { case main, aggressive }
    public enum Encryption: String, Sendable, Hashable, Codable, CaseIterable {
        case aes128, des
        case tripleDES = "3des"
    }
    public enum Hash: String, Sendable, Hashable, Codable, CaseIterable { case sha1, md5 }
    public enum DPDAction: String, Sendable, Hashable, Codable, CaseIterable { case restart, hold, clear }

    /// Dead peer detection.
    public struct DPD: Sendable, Hashable, Codable {
        public var interval: UInt16
        public var retries: UInt8
        public var action: DPDAction

        public init(interval: UInt16 = 30, retries: UInt8 = 3, action: DPDAction = .restart) {
            self.interval = interval
            self.retries = retries
            self.action = action
        }
    }

    /// Where the peer is.
    public enum Peer: Sendable, Hashable, Codable {
        case address(String)
        /// Dynamic address: known by its IKE ID only, and it initiates.
        case dynamic
    }

    /// DH groups the model allows.
    public static let dhGroups: Set<UInt8> = [1, 2, 5, 14]

    public var name: String
    public var description: String?
    public var exchangeMode: ExchangeMode
    public var encryption: Encryption
    public var hash: Hash
    public var dhGroup: UInt8
    /// IKE SA lifetime, 1081–86400 s.
    public var lifetime: UInt32
    public var dpd: DPD
    public var localID: IKEID?
    public var remoteID: IKEID?
    public var peer: Peer?
    public var preSharedKey: String?

    public init(
        name: String, description: String? = nil, exchangeMode: ExchangeMode = .aggressive,
        encryption: Encryption = .aes128, hash: Hash = .sha1, dhGroup: UInt8 = 2, lifetime: UInt32 = 10800,
        dpd: DPD = DPD(), localID: IKEID? = nil, remoteID: IKEID? = nil, peer: Peer? = nil,
        preSharedKey: String? = nil
    ) {
        self.name = name
        self.description = description
        self.exchangeMode = exchangeMode
        self.encryption = encryption
        self.hash = hash
        self.dhGroup = dhGroup
        self.lifetime = lifetime
        self.dpd = dpd
        self.localID = localID
        self.remoteID = remoteID
        self.peer = peer
        self.preSharedKey = preSharedKey
    }

    /// True when cms generated it (name starts with `cms-`): the only entries the reconciler touches.
    public var isManagedByCMS: Bool { name.hasPrefix(NXRNamespace.managedPrefix) }

    init(node: Node) throws(NXRModelError) {
        let name = try node.required("name")
        guard Lexical.isPolicyName(name) else { throw node.error("name", "'\(name)' is not a policy name") }
        let dhGroup = try node.uint("dh-group", UInt8(1)...14) ?? 2
        guard Self.dhGroups.contains(dhGroup) else { throw node.error("dh-group", "'\(dhGroup)' is not 1, 2, 5 or 14") }
        var dpd = DPD()
        if let d = node.child("dpd") {
            dpd = DPD(
                interval: try d.uint("interval", 10...3600) ?? 30, retries: try d.uint("retries", 0...30) ?? 3,
                action: try d.enumeration("action") ?? .restart)
        }
        var peer: Peer?
        if let address = node.string("peer-address") {
            peer = .address(address)
        } else if node.has("peer-dynamic") {
            peer = .dynamic
        }
        self.init(
            name: name, description: node.rawString("description"),
            exchangeMode: try node.enumeration("exchange-mode") ?? .aggressive,
            encryption: try node.enumeration("encryption") ?? .aes128, hash: try node.enumeration("hash") ?? .sha1,
            dhGroup: dhGroup, lifetime: try node.uint("lifetime", 1081...86_400) ?? 10800, dpd: dpd,
            localID: try node.child("local-id").map { n throws(NXRModelError) in try IKEID(node: n) },
            remoteID: try node.child("remote-id").map { n throws(NXRModelError) in try IKEID(node: n) },
            peer: peer, preSharedKey: node.string("pre-shared-key"))
    }

    /// The `<ike-policy>` element, every leaf explicit.
    public func xml() -> XMLElement {
        var peerElement: XMLElement?
        switch peer {
        case .address(let address): peerElement = Build.leaf("peer-address", address)
        case .dynamic: peerElement = Build.empty("peer-dynamic", true)
        case nil: peerElement = nil
        }
        return Build.element(
            "ike-policy",
            [
                Build.leaf("name", name), Build.leaf("description", description),
                Build.leaf("exchange-mode", exchangeMode), Build.leaf("encryption", encryption),
                Build.leaf("hash", hash),
                Build.leaf("dh-group", dhGroup), Build.leaf("lifetime", lifetime),
                Build.element(
                    "dpd",
                    [
                        Build.leaf("interval", dpd.interval), Build.leaf("retries", dpd.retries),
                        Build.leaf("action", dpd.action),
                    ]),
                localID?.xml("local-id"), remoteID?.xml("remote-id"), peerElement,
                Build.leaf("pre-shared-key", preSharedKey),
            ])
    }
}
