import CMSAPI
import CMSModel
import NETCONF
import NXRModel

/// Builds the IPsec status of one group (SPEC §6, guide §3.6.1.2, §3.6.3.4, §4.14.4.5) from the compiled
/// group, the members' `get-ipsec-status` replies and the reconciler's push results. Pure.
///
/// **Peer table.** Each row of a member is one tunnel the compilation gives it (its policy `cms-<group>-<peer>`),
/// matched **by that exact name** — never by address, LAN or a hand-made policy — so one tunnel's state can
/// never show on another row (the original's defect, guide §5.2: after a center's LAN was edited spokes showed
/// both centers connected). As in the guide:
/// - *self→peer*: what the member reports for its policy towards the peer (`outbound`); not-fetched when the
///   member's status could not be read; down when the policy is missing on it.
/// - *peer→self*: what the **peer** reports for its policy towards the member (`outbound`); not-fetched when the
///   peer's status could not be read; down when the peer lacks that policy.
///
/// **Tunnel.** Up when at least one end was read and every end read reports its policy up both ways; down
/// when an end read reports it down (or missing); unknown when neither end was read.
///
/// **Group state.** Judged over units: in a mesh every tunnel, in a star every spoke — which is connected
/// when its tunnel to the center **or** (with a backup center) to the backup is up. All units up:
/// all-connected; none up but some known: all-disconnected; nothing known: not-fetched; otherwise
/// partly-connected. A pending member counts as a disconnected unit (it has no tunnel), so a group with a
/// pending member is never all-connected.
///
/// **Registration.** pending (with its reasons) from the compilation; a ready member is registered when the
/// reconciler verified its policies on the device (`verified[device] == true`), else processing (with the
/// last push failure as the reason, when there is one).
public enum IPsecStatusBuilder {
    /// The `get-ipsec-status` operation element (all policies).
    public static var request: XMLElement { NXRRPC.getIPsecStatus(policy: nil).xml() }

    /// Reads a `get-ipsec-status` reply's body (the children of `<rpc-reply>`).
    public static func parse(body: [XMLElement]) throws(NXRModelError) -> [NXRRPCOutput.PolicyStatus] {
        try NXRRPCOutput(body: body).policies
    }

    /// The group's status.
    ///
    /// - Parameters:
    ///   - group: the compiled group (``IPsecCompilation/group(_:)``).
    ///   - reports: each member whose status was read → its `get-ipsec-status` rows; a member absent here is
    ///     not fetched (unreachable, or not asked yet).
    ///   - verified: device → whether its current policies were pushed and verified (`false`: the last push
    ///     failed; absent: not pushed yet).
    ///   - failures: device → why its last push failed (shown as the reason of a processing member).
    ///   - at: when the reports were read; the status's `fetched` is nil when there are none.
    public static func status(
        group: GroupCompilation, reports: [DeviceCode: [NXRRPCOutput.PolicyStatus]],
        verified: [DeviceCode: Bool] = [:], failures: [DeviceCode: String] = [:], at: Timestamp
    ) -> IPsecGroupStatus {
        let isStar = group.type == .ipsecStar
        var byName: [String: DeviceCode] = [:]
        for member in group.members {
            byName[PolicyNaming.name(group: group.name, peer: member.device)] = member.device
        }
        var readyMembers: Set<DeviceCode> = []
        for member in group.members where member.isReady { readyMembers.insert(member.device) }

        /// What `device` reports for its policy towards `peer`.
        func report(_ device: DeviceCode, towards peer: DeviceCode) -> Reported {
            guard let rows = reports[device] else { return .notFetched }
            let name = PolicyNaming.name(group: group.name, peer: peer)
            guard let row = rows.first(where: { $0.name == name }) else { return .missing }
            return Reported(outbound: row.outbound, inbound: row.inbound)
        }

        var members: [IPsecGroupStatus.Member] = []
        var tunnels: [Pair: TunnelState] = [:]
        for member in group.members {
            var peers: [IPsecGroupStatus.Peer] = []
            // Each policy name of this group on the member names one peer.
            let peerCodes = member.policies.compactMap { byName[$0] }.filter { readyMembers.contains($0) }
            for peer in peerCodes {
                let mine = report(member.device, towards: peer)
                let theirs = report(peer, towards: member.device)
                peers.append(
                    IPsecGroupStatus.Peer(peer: peer, selfToPeer: mine.outboundState, peerToSelf: theirs.outboundState))
                let pair = Pair(member.device, peer)
                if tunnels[pair] == nil { tunnels[pair] = TunnelState(mine, theirs) }
            }
            let registration: IPsecGroupStatus.Registration
            var reason: String?
            switch member.state {
            case .pending(let why):
                registration = .pending
                reason = why.map(\.description).joined(separator: "; ")
            case .ready:
                if verified[member.device] == true {
                    registration = .registered
                } else {
                    registration = .processing
                    reason =
                        failures[member.device] ?? (verified[member.device] == false ? "the last push failed" : nil)
                }
            }
            members.append(
                IPsecGroupStatus.Member(
                    device: member.device, role: isStar ? Self.roleName(member.role) : nil,
                    registration: registration, reason: reason, peers: peers))
        }

        // Every pending member is a unit that is not connected (it has no tunnel).
        var units: [TunnelState] = group.members.filter { !$0.isReady }.map { _ in .down }
        if isStar {
            let centers = group.members.filter { $0.role == .center || $0.role == .backup }.map(\.device)
            for spoke in group.members where spoke.isReady && (spoke.role == .spoke || spoke.role == nil) {
                let links = centers.compactMap { tunnels[Pair(spoke.device, $0)] }
                units.append(links.isEmpty ? .down : TunnelState.either(links))
            }
        } else {
            units += tunnels.keys.sorted().compactMap { tunnels[$0] }
        }
        let state: IPsecGroupStatus.GroupState
        if units.isEmpty || reports.isEmpty || units.allSatisfy({ $0 == .unknown }) {
            state = .notFetched
        } else if units.allSatisfy({ $0 == .up }) {
            state = .allConnected
        } else if units.contains(.up) {
            state = .partlyConnected
        } else {
            state = .allDisconnected
        }
        return IPsecGroupStatus(
            group: group.name, type: isStar ? "star" : "mesh", state: state, fetched: reports.isEmpty ? nil : at,
            members: members)
    }

    /// `center`, `backup-center` or `spoke`.
    static func roleName(_ role: Member.Role?) -> String {
        switch role {
        case .center: "center"
        case .backup: "backup-center"
        case .spoke, nil: "spoke"
        }
    }

    // MARK: - Pieces

    /// One end's report for one policy.
    struct Reported {
        var fetched = true
        var present = true
        var outbound: NXRRPCOutput.PolicyStatus.State?
        var inbound: NXRRPCOutput.PolicyStatus.State?

        static let notFetched = Reported(fetched: false, present: false)
        static let missing = Reported(fetched: true, present: false)

        init(
            fetched: Bool = true, present: Bool = true, outbound: NXRRPCOutput.PolicyStatus.State? = nil,
            inbound: NXRRPCOutput.PolicyStatus.State? = nil
        ) {
            self.fetched = fetched
            self.present = present
            self.outbound = outbound
            self.inbound = inbound
        }

        var outboundState: IPsecGroupStatus.LinkState {
            guard fetched else { return .notFetched }
            return present && outbound == .up ? .up : .down
        }

        /// Up both ways, as the end sees it.
        var isUp: Bool { fetched && present && outbound == .up && inbound == .up }
    }

    enum TunnelState: Hashable {
        case up, down, unknown

        init(_ a: Reported, _ b: Reported) {
            let read = [a, b].filter(\.fetched)
            if read.isEmpty {
                self = .unknown
            } else {
                self = read.allSatisfy(\.isUp) ? .up : .down
            }
        }

        /// Connected through any of these tunnels (a spoke and its centers).
        static func either(_ links: [TunnelState]) -> TunnelState {
            if links.contains(.up) { return .up }
            if links.contains(.down) { return .down }
            return .unknown
        }
    }

    /// An unordered pair of devices.
    struct Pair: Hashable, Comparable {
        let low: DeviceCode
        let high: DeviceCode
        init(_ a: DeviceCode, _ b: DeviceCode) {
            (low, high) = a.utf8.lexicographicallyPrecedes(b.utf8) ? (a, b) : (b, a)
        }
        static func < (l: Pair, r: Pair) -> Bool { (l.low, l.high) < (r.low, r.high) }
    }
}
