import CMSModel

/// IPsec status of one group (SPEC §6, guide §3.6.1.2 / §3.6.3.4).
public struct IPsecGroupStatus: Sendable, Hashable, Codable {
    public enum GroupState: String, Sendable, Hashable, Codable, CaseIterable {
        case notFetched = "not-fetched"
        case allConnected = "all-connected"
        case partlyConnected = "partly-connected"
        case allDisconnected = "all-disconnected"
    }

    public enum LinkState: String, Sendable, Hashable, Codable, CaseIterable {
        case notFetched = "not-fetched"
        case up, down
    }

    public enum Registration: String, Sendable, Hashable, Codable, CaseIterable {
        case pending, processing, registered
    }

    /// One row of a member's peer table.
    public struct Peer: Sendable, Hashable, Codable {
        public var peer: String
        public var selfToPeer: LinkState
        public var peerToSelf: LinkState
        public init(peer: String, selfToPeer: LinkState, peerToSelf: LinkState) {
            self.peer = peer
            self.selfToPeer = selfToPeer
            self.peerToSelf = peerToSelf
        }
    }

    /// One member.
    public struct Member: Sendable, Hashable, Codable {
        public var device: String
        /// `center`, `backup-center`, `spoke`, or nil in a mesh.
        public var role: String?
        public var registration: Registration
        /// Why pending / why the last push failed.
        public var reason: String?
        public var peers: [Peer]
        public init(device: String, role: String?, registration: Registration, reason: String? = nil, peers: [Peer]) {
            self.device = device
            self.role = role
            self.registration = registration
            self.reason = reason
            self.peers = peers
        }
    }

    public var group: String
    /// `mesh` or `star`.
    public var type: String
    public var state: GroupState
    public var fetched: Timestamp?
    public var members: [Member]

    public init(group: String, type: String, state: GroupState, fetched: Timestamp? = nil, members: [Member]) {
        self.group = group
        self.type = type
        self.state = state
        self.fetched = fetched
        self.members = members
    }
}
