import NETCONF

/// The configuration of an NXR as this model sees it (the config-true part of schemas/nxr.yang):
/// what `<get-config>` returns and `<edit-config>` carries. Parsing applies YANG defaults and
/// serializing writes every leaf explicitly, so two values compare equal exactly when the devices'
/// configurations mean the same (normalised with-defaults, list order preserved).
public struct NXRConfig: Sendable, Hashable, Codable {
    public var hostname: String
    public var interfaces: [Interface]
    public var crp: CRPSettings
    public var netconfServer: NetconfServerSettings
    public var ikePolicies: [IKEPolicy]
    public var ipsecPolicies: [IPsecPolicy]

    public init(
        hostname: String = "nxr", interfaces: [Interface] = [], crp: CRPSettings = CRPSettings(),
        netconfServer: NetconfServerSettings = NetconfServerSettings(), ikePolicies: [IKEPolicy] = [],
        ipsecPolicies: [IPsecPolicy] = []
    ) {
        self.hostname = hostname
        self.interfaces = interfaces
        self.crp = crp
        self.netconfServer = netconfServer
        self.ikePolicies = ikePolicies
        self.ipsecPolicies = ipsecPolicies
    }

    /// Reads the model's top-level containers from `elements` (the children of `<data>` or `<config>`).
    /// Elements of other namespaces and `state` containers are ignored; unknown nxr children are
    /// ignored too (a newer device may know more). Bad values throw with their path.
    public init(elements: [XMLElement]) throws(NXRModelError) {
        self.init()
        let top = TopLevel(elements)
        if let system = top.node("system") {
            hostname =
                try system.matching("hostname", Lexical.isHostname, "a host name (1–64 of [A-Za-z0-9_.-])")
                ?? "nxr"
        }
        if let interfaces = top.node("interfaces") {
            self.interfaces = try interfaces.list("interface").map { n throws(NXRModelError) in try Interface(node: n) }
        }
        if let crp = top.node("crp") { self.crp = try CRPSettings(node: crp) }
        if let server = top.node("netconf-server") { netconfServer = try NetconfServerSettings(node: server) }
        if let ipsec = top.node("ipsec") {
            ikePolicies = try ipsec.list("ike-policy").map { n throws(NXRModelError) in try IKEPolicy(node: n) }
            ipsecPolicies = try ipsec.list("ipsec-policy").map { n throws(NXRModelError) in try IPsecPolicy(node: n) }
            let known = Set(ikePolicies.map(\.name))
            for policy in ipsecPolicies where !known.contains(policy.ikePolicy) {
                throw NXRModelError(
                    path: "/nxr:ipsec/ipsec-policy[name='\(policy.name)']/ike-policy",
                    message: "'\(policy.ikePolicy)' names no ike-policy")
            }
        }
    }

    /// Reads a `<data>` or `<config>` wrapper (or any element whose children are the containers).
    public init(xml wrapper: XMLElement) throws(NXRModelError) {
        try self.init(elements: wrapper.elements)
    }

    /// The top-level containers (`system`, `interfaces`, `crp`, `netconf-server`, `ipsec`), every
    /// leaf explicit — ready to go inside `<config>` or `<data>`.
    public func xml() -> [XMLElement] {
        [
            Build.element("system", [Build.leaf("hostname", hostname)]),
            Build.element("interfaces", interfaces.map { $0.xml() }),
            crp.xml(),
            netconfServer.xml(),
            Build.element("ipsec", ikePolicies.map { $0.xml() } + ipsecPolicies.map { $0.xml() }),
        ]
    }

    /// The IKE and IPsec policies cms owns (name prefix `cms-`).
    public var managedIKEPolicies: [IKEPolicy] { ikePolicies.filter(\.isManagedByCMS) }
    public var managedIPsecPolicies: [IPsecPolicy] { ipsecPolicies.filter(\.isManagedByCMS) }
}

/// The model's top-level elements, by local name, in the nxr namespace.
struct TopLevel {
    let elements: [XMLElement]

    init(_ elements: [XMLElement]) { self.elements = elements }

    func node(_ name: String) -> Node? {
        elements.first { $0.matches(name, namespace: NXRNamespace.uri) }.map { Node($0, path: "/nxr:" + name) }
    }
}
