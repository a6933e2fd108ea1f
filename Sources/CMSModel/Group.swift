/// A group of devices: plain, the tenant's monitor group, or an IPsec mesh/star (SPEC §6).
public struct Group: Sendable, Equatable, Hashable, Codable {
    public enum Kind: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
        case none, monitor
        case ipsecMesh = "ipsec-mesh"
        case ipsecStar = "ipsec-star"

        public var isIPsec: Bool { self == .ipsecMesh || self == .ipsecStar }
    }

    public var name: String
    public var note: String
    public var type: Kind
    /// Desired firmware of the members (a device's own `firmware` overrides it).
    public var firmware: FirmwareTarget?
    /// Present (with defaults) for IPsec groups, `nil` otherwise.
    public var ipsec: IPsecParameters?
    public var members: [Member]
    /// The group's own rollout settings over the tenant's (firmware rollouts of its members).
    public var rollout: RolloutOverride?

    public init(
        name: String, note: String = "", type: Kind = .none, firmware: FirmwareTarget? = nil,
        ipsec: IPsecParameters? = nil, members: [Member] = [], rollout: RolloutOverride? = nil
    ) {
        self.rollout = rollout
        self.name = name
        self.note = note
        self.type = type
        self.firmware = firmware
        self.ipsec = ipsec
        self.members = members
    }
}
