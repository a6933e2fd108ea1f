/// A device's membership in a group, with its per-member IPsec settings (SPEC §6, guide §3.6.3.5).
public struct Member: Sendable, Equatable, Hashable, Codable {
    /// The member's role in a star.
    public enum Role: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
        case center, backup, spoke
    }

    /// Device code.
    public var device: String
    /// Star only; `nil` elsewhere (a star member without a role is a spoke).
    public var role: Role?
    /// WAN interface: `ethernetN`, `pppN` or `tunnelN`.
    public var wan: String?
    public var lan: LANNetwork?
    /// Required when the group's lower layer is IPv6.
    public var ipv6: String?
    /// Star spokes: interface towards the backup center.
    public var backupWan: String?
    public var backupLan: LANNetwork?

    public init(
        device: String, role: Role? = nil, wan: String? = nil, lan: LANNetwork? = nil, ipv6: String? = nil,
        backupWan: String? = nil, backupLan: LANNetwork? = nil
    ) {
        self.device = device
        self.role = role
        self.wan = wan
        self.lan = lan
        self.ipv6 = ipv6
        self.backupWan = backupWan
        self.backupLan = backupLan
    }

    /// The role, with a star member's default (spoke).
    public var effectiveRole: Role { role ?? .spoke }
}
