/// A device code (`Device.code`): the key of every per-device map of this module.
public typealias DeviceCode = String

/// The WAN addresses a device announced (by CRP, or as read from its interfaces): the address its peers
/// put in `peer-address`. Either may be missing — a site on PPPoE whose address is not known yet.
///
/// The announced address is taken to be the address of the member's `wan` interface (the interface CRP
/// advertises); see docs/ipsec.md.
public struct PeerAddress: Sendable, Hashable, Codable {
    public var ipv4: String?
    public var ipv6: String?

    public init(ipv4: String? = nil, ipv6: String? = nil) {
        self.ipv4 = ipv4
        self.ipv6 = ipv6
    }
}
