import NETCONF

/// The output leaves of an nxr RPC, as direct children of `<rpc-reply>` (`RPCReply.body`,
/// `Reply.body(messageID:_:)`). One type covers every RPC: each uses the leaves its YANG output
/// defines and leaves the others nil (`reboot` has no output: its reply is `<ok/>`).
public struct NXRRPCOutput: Sendable, Hashable {
    /// One row of `get-ipsec-status`.
    public struct PolicyStatus: Sendable, Hashable {
        public enum State: String, Sendable, Hashable, CaseIterable { case up, down }

        public var name: String
        /// The peer's address or IKE ID.
        public var peer: String?
        /// self → peer.
        public var outbound: State?
        /// peer → self.
        public var inbound: State?

        public init(name: String, peer: String? = nil, outbound: State? = nil, inbound: State? = nil) {
            self.name = name
            self.peer = peer
            self.outbound = outbound
            self.inbound = inbound
        }
    }

    /// firmware-update, config-backup (with URL), config-restore.
    public var transfer: TransferStatus?
    /// firmware-update: installed version.
    public var version: String?
    /// firmware-update, config-restore.
    public var rebooting: Bool?
    /// Why a transfer failed.
    public var message: String?
    /// config-backup without URL: the file.
    public var content: [UInt8]?
    /// show, ping, traceroute, packet-dump, get-syslog.
    public var text: String?
    /// ping.
    public var transmitted: UInt8?
    public var received: UInt8?
    /// packet-dump.
    public var captured: UInt16?
    /// get-ipsec-status.
    public var policies: [PolicyStatus]

    public init(
        transfer: TransferStatus? = nil, version: String? = nil, rebooting: Bool? = nil, message: String? = nil,
        content: [UInt8]? = nil, text: String? = nil, transmitted: UInt8? = nil, received: UInt8? = nil,
        captured: UInt16? = nil, policies: [PolicyStatus] = []
    ) {
        self.transfer = transfer
        self.version = version
        self.rebooting = rebooting
        self.message = message
        self.content = content
        self.text = text
        self.transmitted = transmitted
        self.received = received
        self.captured = captured
        self.policies = policies
    }

    /// Reads the children of `<rpc-reply>`; elements of other namespaces (`<ok/>`) are ignored.
    public init(body: [XMLElement]) throws(NXRModelError) {
        let reply = Node(XMLElement("rpc-reply", elements: body), path: "/rpc-reply")
        self.init()
        transfer = try reply.enumeration("transfer")
        version = reply.string("version")
        rebooting = try reply.bool("rebooting")
        message = reply.rawString("message")
        if let text = reply.rawString("content") {
            guard let bytes = Base64.decode(text) else { throw reply.error("content", "not valid base64") }
            content = bytes
        }
        text = reply.rawString("text")
        transmitted = try reply.uint("transmitted", 0...UInt8.max)
        received = try reply.uint("received", 0...UInt8.max)
        captured = try reply.uint("captured", 0...UInt16.max)
        policies = try reply.list("policy").map { p throws(NXRModelError) in
            PolicyStatus(
                name: try p.required("name"), peer: p.string("peer"), outbound: try p.enumeration("outbound"),
                inbound: try p.enumeration("inbound"))
        }
    }

    /// The reply's body elements, in YANG order.
    public func xml() -> [XMLElement] {
        [
            Build.leaf("transfer", transfer), Build.leaf("version", version), Build.leaf("rebooting", rebooting),
            Build.leaf("message", message), Build.leaf("content", content.map(Base64.encode)), Build.leaf("text", text),
            Build.leaf("transmitted", transmitted), Build.leaf("received", received), Build.leaf("captured", captured),
        ].compactMap { $0 }
            + policies.map { p in
                Build.element(
                    "policy",
                    [
                        Build.leaf("name", p.name), Build.leaf("peer", p.peer),
                        Build.leaf("outbound", p.outbound), Build.leaf("inbound", p.inbound),
                    ])
            }
    }
}
