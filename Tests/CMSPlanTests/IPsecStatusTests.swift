import CMSAPI
import CMSModel
import CMSPlan
import NXRModel
import Testing

/// `IPsecStatusBuilder`: group state, peer tables and registration from compiled groups and device reports.
@Suite("IPsec group status")
struct IPsecStatusTests {
    typealias Row = NXRRPCOutput.PolicyStatus

    static let at = Timestamp.seconds(1_800_000_000)

    static func lan(_ third: Int) -> LANNetwork { .network(address: "192.168.\(third).0", prefixLength: 24) }

    /// Mesh `m`: a, b, c (and d without a LAN when `pending`).
    static func mesh(pending: Bool = false) -> Group {
        var members = ["a", "b", "c"].enumerated().map { i, code in Member(device: code, wan: "ppp0", lan: lan(i + 1)) }
        if pending { members.append(Member(device: "d", wan: "ppp0")) }
        return Group(name: "m", type: .ipsecMesh, ipsec: IPsecParameters(), members: members)
    }

    /// Star `s`: center hq, spokes s1 and s2, and backup center dr when `backup`.
    static func star(backup: Bool, pendingSpoke: Bool = false) -> Group {
        var members = [
            Member(device: "hq", role: .center, wan: "ppp0", lan: .network(address: "172.16.0.0", prefixLength: 16))
        ]
        if backup {
            members.append(
                Member(device: "dr", role: .backup, wan: "ppp0", lan: .network(address: "172.16.0.0", prefixLength: 16))
            )
        }
        for (i, code) in ["s1", "s2"].enumerated() {
            members.append(
                Member(
                    device: code, role: .spoke, wan: "ppp0", lan: lan(i + 1), backupWan: backup ? "ppp0" : nil,
                    backupLan: backup ? lan(i + 1) : nil))
        }
        if pendingSpoke { members.append(Member(device: "s3", role: .spoke, wan: "ppp0")) }
        return Group(name: "s", type: .ipsecStar, ipsec: IPsecParameters(), members: members)
    }

    static func compile(_ group: Group) -> IPsecCompilation {
        let codes = Set(group.members.map(\.device))
        let addresses = Dictionary(
            uniqueKeysWithValues: codes.sorted().enumerated().map { ($1, PeerAddress(ipv4: "198.51.100.\($0 + 1)")) })
        return Support.compiler.compile(
            snapshot: Support.snapshot(devices: codes.sorted(), groups: [group]), addresses: addresses)
    }

    /// The peer a policy name of group `group` points at.
    static func peer(of name: String, group: String) -> String { String(name.dropFirst("cms-\(group)-".count)) }

    /// What each fetched device reports: every policy it holds, up both ways when its tunnel (`"x-y"`, either
    /// order) is in `up`, else down. A hand-made policy `office`, up, is reported too, as real devices would.
    static func reports(_ compilation: IPsecCompilation, group: String, fetched: Set<String>, up: Set<String>)
        -> [DeviceCode: [Row]]
    {
        var result: [DeviceCode: [Row]] = [:]
        for device in fetched {
            var rows = [Row(name: "office", peer: "192.0.2.50", outbound: .up, inbound: .up)]
            for policy in compilation.policies(of: device).ipsecPolicies {
                let peer = peer(of: policy.name, group: group)
                let isUp = up.contains("\(device)-\(peer)") || up.contains("\(peer)-\(device)")
                rows.append(
                    Row(name: policy.name, peer: peer, outbound: isUp ? .up : .down, inbound: isUp ? .up : .down))
            }
            result[device] = rows
        }
        return result
    }

    /// A member's peer table as `peer:self→peer/peer→self …`.
    static func table(_ status: IPsecGroupStatus, _ device: String) -> String {
        (status.members.first { $0.device == device }?.peers ?? [])
            .map { "\($0.peer):\($0.selfToPeer.rawValue)/\($0.peerToSelf.rawValue)" }.joined(separator: " ")
    }

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var group: Group
        var fetched: Set<String>
        var up: Set<String>
        var state: IPsecGroupStatus.GroupState
        /// device → expected peer table.
        var tables: [String: String] = [:]
    }

    static let all: Set<String> = ["a", "b", "c", "hq", "dr", "s1", "s2", "s3", "d"]

    static let cases: [Case] = [
        // Mesh.
        Case(
            description: "mesh, nothing fetched", group: mesh(), fetched: [], up: [], state: .notFetched,
            tables: ["a": "b:not-fetched/not-fetched c:not-fetched/not-fetched"]),
        Case(
            description: "mesh, every tunnel up", group: mesh(), fetched: all, up: ["a-b", "a-c", "b-c"],
            state: .allConnected, tables: ["a": "b:up/up c:up/up", "c": "a:up/up b:up/up"]),
        Case(
            description: "mesh, one tunnel down", group: mesh(), fetched: all, up: ["a-c", "b-c"],
            state: .partlyConnected, tables: ["a": "b:down/down c:up/up", "b": "a:down/down c:up/up"]),
        Case(
            description: "mesh, every tunnel down", group: mesh(), fetched: all, up: [], state: .allDisconnected,
            tables: ["b": "a:down/down c:down/down"]),
        Case(
            description: "mesh, one member unreachable, its peers see its tunnels up", group: mesh(),
            fetched: ["b", "c"], up: ["a-b", "a-c", "b-c"], state: .allConnected,
            tables: ["a": "b:not-fetched/up c:not-fetched/up", "b": "a:up/not-fetched c:up/up"]),
        Case(
            description: "mesh with a pending member is never all connected", group: mesh(pending: true),
            fetched: all, up: ["a-b", "a-c", "b-c"], state: .partlyConnected,
            tables: ["a": "b:up/up c:up/up", "d": ""]),
        // Star with a backup center (guide §4.14.4.5).
        Case(
            description: "star, every spoke on the center (guide §4.14.4.5.2)", group: star(backup: true),
            fetched: all, up: ["s1-hq", "s2-hq"], state: .allConnected,
            tables: [
                "hq": "s1:up/up s2:up/up", "dr": "s1:down/down s2:down/down", "s1": "dr:down/down hq:up/up",
            ]),
        Case(
            description: "star, center unreachable, every spoke on the backup (guide §4.14.4.5.3)",
            group: star(backup: true), fetched: ["dr", "s1", "s2"], up: ["s1-dr", "s2-dr"], state: .allConnected,
            tables: [
                "hq": "s1:not-fetched/down s2:not-fetched/down", "dr": "s1:up/up s2:up/up",
                "s1": "dr:up/up hq:down/not-fetched",
            ]),
        Case(
            description: "star, one spoke on the center and one on the backup", group: star(backup: true),
            fetched: all, up: ["s1-hq", "s2-dr"], state: .allConnected,
            tables: ["s1": "dr:down/down hq:up/up", "s2": "dr:up/up hq:down/down"]),
        Case(
            description: "star, one spoke on no center", group: star(backup: true), fetched: all, up: ["s1-hq"],
            state: .partlyConnected, tables: ["s2": "dr:down/down hq:down/down"]),
        Case(
            description: "star, no spoke connected", group: star(backup: true), fetched: all, up: [],
            state: .allDisconnected),
        Case(
            description: "star, nothing fetched", group: star(backup: true), fetched: [], up: [], state: .notFetched,
            tables: ["s1": "dr:not-fetched/not-fetched hq:not-fetched/not-fetched"]),
        Case(
            description: "star, a pending spoke keeps the group from all connected",
            group: star(backup: true, pendingSpoke: true), fetched: all, up: ["s1-hq", "s2-hq"],
            state: .partlyConnected, tables: ["s3": "", "hq": "s1:up/up s2:up/up"]),
        // Star without a backup.
        Case(
            description: "single star, every spoke up", group: star(backup: false), fetched: all,
            up: ["s1-hq", "s2-hq"], state: .allConnected, tables: ["s1": "hq:up/up"]),
        Case(
            description: "single star, one spoke down", group: star(backup: false), fetched: all, up: ["s1-hq"],
            state: .partlyConnected, tables: ["s2": "hq:down/down", "hq": "s1:up/up s2:down/down"]),
        Case(
            description: "single star, center unreachable and spokes down", group: star(backup: false),
            fetched: ["s1", "s2"], up: [], state: .allDisconnected, tables: ["s1": "hq:down/not-fetched"]),
    ]

    @Test("group state and peer tables", arguments: cases)
    func status(_ c: Case) throws {
        let compilation = Self.compile(c.group)
        let group = try #require(compilation.group(c.group.name))
        let members = Set(c.group.members.map(\.device))
        let reports = Self.reports(
            compilation, group: c.group.name, fetched: c.fetched.intersection(members), up: c.up)
        let status = IPsecStatusBuilder.status(group: group, reports: reports, at: Self.at)
        #expect(status.state == c.state)
        #expect(status.group == c.group.name)
        #expect(status.type == (c.group.type == .ipsecStar ? "star" : "mesh"))
        #expect(status.fetched == (reports.isEmpty ? nil : Self.at))
        #expect(status.members.map(\.device) == members.sorted())
        for (device, expected) in c.tables {
            #expect(Self.table(status, device) == expected, "\(device)")
        }
    }

    @Test("roles are center, backup-center and spoke in a star and absent in a mesh")
    func roles() throws {
        let star = Self.compile(Self.star(backup: true))
        let status = IPsecStatusBuilder.status(group: try #require(star.group("s")), reports: [:], at: Self.at)
        #expect(
            status.members.map { "\($0.device)=\($0.role ?? "-")" } == [
                "dr=backup-center", "hq=center", "s1=spoke", "s2=spoke",
            ])
        let mesh = Self.compile(Self.mesh())
        let meshStatus = IPsecStatusBuilder.status(group: try #require(mesh.group("m")), reports: [:], at: Self.at)
        #expect(meshStatus.members.allSatisfy { $0.role == nil })
    }

    @Test("registration: pending with its reasons, processing until verified (with the push failure), registered")
    func registration() throws {
        let compilation = Self.compile(Self.mesh(pending: true))
        let status = IPsecStatusBuilder.status(
            group: try #require(compilation.group("m")), reports: [:],
            verified: ["a": true, "b": false, "d": true], failures: ["b": "edit-config refused: invalid-value"],
            at: Self.at)
        let rows = Dictionary(uniqueKeysWithValues: status.members.map { ($0.device, $0) })
        #expect(rows["a"]?.registration == .registered)
        #expect(rows["a"]?.reason == nil)
        #expect(rows["b"]?.registration == .processing)
        #expect(rows["b"]?.reason == "edit-config refused: invalid-value")
        #expect(rows["c"]?.registration == .processing)
        #expect(rows["c"]?.reason == nil)
        // A pending member stays pending even if its (empty) policy set was verified.
        #expect(rows["d"]?.registration == .pending)
        #expect(rows["d"]?.reason == PendingReason.missingLAN.description)
    }

    @Test("a failed push without a recorded reason still says so")
    func failureWithoutReason() throws {
        let compilation = Self.compile(Self.mesh())
        let status = IPsecStatusBuilder.status(
            group: try #require(compilation.group("m")), reports: [:], verified: ["a": false], at: Self.at)
        #expect(status.members.first?.registration == .processing)
        #expect(status.members.first?.reason == "the last push failed")
    }

    @Test("a policy missing on a reachable device reads as down, a hand-made one never counts")
    func missingPolicy() throws {
        let compilation = Self.compile(Self.mesh())
        var reports = Self.reports(compilation, group: "m", fetched: ["a", "b", "c"], up: ["a-b", "a-c", "b-c"])
        reports["a"]?.removeAll { $0.name == "cms-m-b" }
        // A hand-made policy whose peer field names b, up, must not stand in for the missing one.
        reports["a"]?.append(Row(name: "to-b", peer: "b", outbound: .up, inbound: .up))
        let status = IPsecStatusBuilder.status(
            group: try #require(compilation.group("m")), reports: reports, at: Self.at)
        #expect(Self.table(status, "a") == "b:down/up c:up/up")
        #expect(Self.table(status, "b") == "a:up/down c:up/up")
        #expect(status.state == .partlyConnected)
    }

    @Test("the get-ipsec-status request and reply use the nxr model")
    func requestAndParse() throws {
        #expect(IPsecStatusBuilder.request.name == "get-ipsec-status")
        #expect(IPsecStatusBuilder.request.namespace == NXRNamespace.uri)
        let rows = [Row(name: "cms-m-b", peer: "198.51.100.2", outbound: .up, inbound: .down)]
        let body = NXRRPCOutput(policies: rows).xml()
        #expect(try IPsecStatusBuilder.parse(body: body) == rows)
    }

    /// Guide §5.2: in the original, editing a center's LAN after the tunnels were up made every spoke show both
    /// centers connected. Here the spoke's row for each center comes from that center's own policy only.
    @Test("editing the center's LAN after connection never shows spokes connected to both centers (guide §5.2)")
    func centerLANEditDefect() throws {
        var snapshot = try Support.exampleSnapshot()
        let addresses = Dictionary(
            uniqueKeysWithValues: snapshot.devices.enumerated().map {
                ($1.code, PeerAddress(ipv4: "198.51.100.\($0 + 1)"))
            })
        let name = "IPsec-star"
        let before = Support.compiler.compile(snapshot: snapshot, addresses: addresses)
        let star = try #require(before.group(name))
        let spokes = star.members.filter { $0.role == .spoke }.map(\.device)
        let members = star.members.map(\.device)
        #expect(spokes.count == 4)
        #expect(star.members.allSatisfy { $0.isReady })
        // Connected on the center (guide §4.14.4.5.2).
        let onCenter = Set(spokes.map { "\($0)-star_center" })
        let connected = IPsecStatusBuilder.status(
            group: star, reports: Self.reports(before, group: name, fetched: Set(members), up: onCenter), at: Self.at)
        #expect(connected.state == .allConnected)

        // Edit the center's LAN.
        let index = try #require(snapshot.groups.firstIndex { $0.name == name })
        let center = try #require(snapshot.groups[index].members.firstIndex { $0.device == "star_center" })
        snapshot.groups[index].members[center].lan = .network(address: "172.16.0.0", prefixLength: 24)
        let after = Support.compiler.compile(snapshot: snapshot, addresses: addresses)
        let edited = try #require(after.group(name))
        // The backup's tunnels are untouched: nothing about them can change by this edit.
        #expect(after.policies(of: "star_backup") == before.policies(of: "star_backup"))
        for spoke in spokes {
            let old = before.policies(of: spoke)
            let new = after.policies(of: spoke)
            let toBackup = PolicyNaming.name(group: name, peer: "star_backup")
            let toCenter = PolicyNaming.name(group: name, peer: "star_center")
            #expect(old.ipsecPolicy(toBackup) == new.ipsecPolicy(toBackup))
            #expect(old.ipsecPolicy(toCenter) != new.ipsecPolicy(toCenter))
            // Both the center and the backup now protect different LANs: a status matched by the remote network
            // could no longer confuse them, and one matched by name never could.
            #expect(new.ipsecPolicy(toCenter)?.remoteNetwork != new.ipsecPolicy(toBackup)?.remoteNetwork)
        }
        // Before and after the push reaches the devices (stale reports, then fresh ones), the spokes show the
        // center connected and the backup not.
        for compilation in [before, after] {
            let reports = Self.reports(compilation, group: name, fetched: Set(members), up: onCenter)
            let status = IPsecStatusBuilder.status(group: edited, reports: reports, at: Self.at)
            #expect(status.state == .allConnected)
            for spoke in spokes {
                let rows = try #require(status.members.first { $0.device == spoke }?.peers)
                let up = rows.filter { $0.selfToPeer == .up || $0.peerToSelf == .up }.map(\.peer)
                #expect(up == ["star_center"], "\(spoke): \(rows)")
            }
            let backup = try #require(status.members.first { $0.device == "star_backup" })
            #expect(backup.peers.allSatisfy { $0.selfToPeer == .down && $0.peerToSelf == .down })
        }
    }
}
