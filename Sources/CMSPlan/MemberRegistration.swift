import CMSModel

/// The compiled registration state of one IPsec group member (SPEC §6).
///
/// The compiler knows only *pending* and *ready*; the reconciler turns *ready* into *processing* (not yet
/// pushed, or the push failed) and *registered* (pushed and verified).
public struct MemberRegistration: Sendable, Hashable, Codable {
    public enum State: Sendable, Hashable, Codable {
        /// Parameters are missing; the member gets no policy of this group and no peer gets one towards it.
        case pending([PendingReason])
        /// Every parameter is there: its policies are in ``IPsecCompilation/devices``, ready to be pushed.
        case ready
    }

    public var device: DeviceCode
    /// `nil` in a mesh; the effective role in a star.
    public var role: Member.Role?
    public var state: State
    /// Names of this group's policies on the member (IKE and IPsec policies share each name), sorted.
    public var policies: [String]

    public init(device: DeviceCode, role: Member.Role?, state: State, policies: [String]) {
        self.device = device
        self.role = role
        self.state = state
        self.policies = policies
    }

    public var isReady: Bool { state == .ready }
}

/// One IPsec group as compiled: its members' registration states, sorted by device code.
public struct GroupCompilation: Sendable, Hashable, Codable {
    public var name: String
    public var type: Group.Kind
    public var members: [MemberRegistration]

    public init(name: String, type: Group.Kind, members: [MemberRegistration]) {
        self.name = name
        self.type = type
        self.members = members
    }

    /// The member with this device code.
    public func member(_ device: DeviceCode) -> MemberRegistration? { members.first { $0.device == device } }
}
