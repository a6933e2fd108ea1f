/// A finding of the IPsec compiler: the "IPsec warning" event of SPEC §9. Nothing here stops compilation;
/// each says what will not work and why.
public struct IPsecWarning: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A member is pending (its reasons are in the message).
        case memberPending = "ipsec.member-pending"
        /// Neither end of a tunnel has a known address: no side can initiate until one announces itself.
        case noInitiator = "ipsec.no-initiator"
        /// The local and remote protected networks are of different IP versions.
        case networkFamilyMismatch = "ipsec.network-family-mismatch"
        /// Two mesh members protect the same LAN network: traffic to it is ambiguous.
        case duplicateLAN = "ipsec.duplicate-lan"
        /// Two devices are peers in more than one group: two IKE policies share one peer and ID pair.
        case repeatedPair = "ipsec.repeated-pair"
        /// A star's center (or backup) is pending: its spokes have no tunnel to it.
        case centerPending = "ipsec.center-pending"
    }

    public var kind: Kind
    public var group: String
    public var device: DeviceCode?
    public var peer: DeviceCode?
    public var message: String

    public init(_ kind: Kind, group: String, device: DeviceCode? = nil, peer: DeviceCode? = nil, _ message: String) {
        self.kind = kind
        self.group = group
        self.device = device
        self.peer = peer
        self.message = message
    }

    /// `group[device→peer]: message (kind)`.
    public var description: String {
        var subject = group
        if let device { subject += " " + device + (peer.map { " → " + $0 } ?? "") }
        return "\(subject): \(message) (\(kind.rawValue))"
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        let l = [lhs.group, lhs.device ?? "", lhs.peer ?? "", lhs.kind.rawValue, lhs.message]
        let r = [rhs.group, rhs.device ?? "", rhs.peer ?? "", rhs.kind.rawValue, rhs.message]
        return l.lexicographicallyPrecedes(r) { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
