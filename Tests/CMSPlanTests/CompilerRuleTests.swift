import CMSModel
import CMSPlan
import NETCONF
import NXRModel
import Testing

/// IPv6, IKE IDs, pending members, several groups and warnings.
@Suite("The IPsec compiler")
struct CompilerRuleTests {
    @Test("an IPv6 mesh uses the members' ipv6 addresses as peers and the group's ESP parameters")
    func ipv6Mesh() throws {
        let result = Support.compiler.compile(snapshot: try Support.exampleSnapshot(), addresses: [:])
        let ocha = try #require(result.policies(of: "ochanomizu").ipsecPolicy("cms-ipv6-lab-suidobashi"))
        let ochaIKE = try #require(result.policies(of: "ochanomizu").ikePolicy("cms-ipv6-lab-suidobashi"))
        let suido = try #require(result.policies(of: "suidobashi").ipsecPolicy("cms-ipv6-lab-ochanomizu"))
        let suidoIKE = try #require(result.policies(of: "suidobashi").ikePolicy("cms-ipv6-lab-ochanomizu"))
        #expect(ochaIKE.peer == .address("2001:db8:102::1"))
        #expect(suidoIKE.peer == .address("2001:db8:101::1"))
        #expect(ocha.lowerLayer == .ipv6 && suido.lowerLayer == .ipv6)
        #expect(ocha.localInterface == "tunnel1")
        #expect(ocha.localNetwork == .prefix("192.168.101.0/24") && ocha.remoteNetwork == .host)
        #expect(suido.localNetwork == .host && suido.remoteNetwork == .prefix("192.168.101.0/24"))
        #expect(ocha.espEncryption == .tripleDES && ocha.espHash == .md5HMAC && ocha.pfs == .group(14))
        #expect(ocha.saLifetime == 28800)
        #expect(!result.warnings.contains { $0.group == "ipv6-lab" })
    }

    @Test("an IPv4 group ignores announced IPv6 addresses: the peer is dynamic")
    func ipv4GroupNeedsIPv4() {
        let snapshot = Support.snapshot(devices: ["a", "b"], groups: [Support.mesh("m", sites: ["a", "b"])])
        let result = Support.compiler.compile(
            snapshot: snapshot, addresses: ["b": PeerAddress(ipv6: "2001:db8::b"), "a": PeerAddress(ipv4: "192.0.2.1")])
        #expect(result.policies(of: "a").ikePolicy("cms-m-b")?.peer == .dynamic)
        #expect(result.policies(of: "b").ikePolicy("cms-m-a")?.peer == .address("192.0.2.1"))
    }

    struct IDCase: Sendable, CustomStringConvertible {
        let code: String
        let configured: CMSModel.IKEID?
        let expected: NXRModel.IKEID
        var description: String { code }
    }

    static let idCases: [IDCase] = [
        IDCase(code: "nxr01", configured: nil, expected: .init(type: .fqdn, value: "id-nxr01")),
        IDCase(code: "nxr_01", configured: nil, expected: .init(type: .fqdn, value: "id-nxr-x01")),
        IDCase(code: "a__b_", configured: nil, expected: .init(type: .fqdn, value: "id-a-x-xb-x")),
        IDCase(code: "12345678901", configured: nil, expected: .init(type: .fqdn, value: "id-12345678901")),
        IDCase(
            code: "ichigaya", configured: .init(type: .userFQDN, value: "ichigaya@vpn.example.jp"),
            expected: .init(type: .userFQDN, value: "ichigaya@vpn.example.jp")),
        IDCase(
            code: "site_x", configured: .init(type: .fqdn, value: "vpn.site.example.jp"),
            expected: .init(type: .fqdn, value: "vpn.site.example.jp")),
    ]

    @Test(
        "IKE IDs: the configured one, else id-<code> with _ → -x; local on its own policy, remote on the peer's",
        arguments: idCases)
    func ikeIDs(_ row: IDCase) throws {
        var ids: [String: CMSModel.IKEID] = [:]
        ids[row.code] = row.configured
        let snapshot = Support.snapshot(
            devices: [row.code, "peer"], groups: [Support.mesh("m", sites: [row.code, "peer"])], ikeIDs: ids)
        let result = Support.compiler.compile(snapshot: snapshot, addresses: [:])
        let own = try #require(result.policies(of: row.code).ikePolicy("cms-m-peer"))
        let peers = try #require(result.policies(of: "peer").ikePolicy("cms-m-" + row.code))
        #expect(own.localID == row.expected)
        #expect(own.remoteID == NXRModel.IKEID(type: .fqdn, value: "id-peer"))
        #expect(peers.remoteID == row.expected)
        #expect(peers.localID == NXRModel.IKEID(type: .fqdn, value: "id-peer"))
    }

    struct PendingCase: Sendable, CustomStringConvertible {
        let label: String
        let type: Group.Kind
        let lowerLayer: IPsecParameters.LowerLayer
        let members: [Member]
        let device: String
        let reasons: [PendingReason]
        var description: String { label }
    }

    static let lan = LANNetwork.network(address: "10.0.0.0", prefixLength: 24)
    static func full(_ code: String, role: Member.Role? = nil, n: Int) -> Member {
        Member(
            device: code, role: role, wan: "ppp0", lan: .network(address: "10.\(n).0.0", prefixLength: 24),
            ipv6: "2001:db8::\(n)", backupWan: role == nil || role == .spoke ? "ppp0" : nil,
            backupLan: role == nil || role == .spoke ? .network(address: "10.\(n).0.0", prefixLength: 24) : nil)
    }

    static let pendingCases: [PendingCase] = [
        PendingCase(
            label: "mesh member without wan", type: .ipsecMesh, lowerLayer: .ipv4,
            members: [Member(device: "a", lan: lan), Member(device: "b", wan: "ppp0", lan: lan)], device: "a",
            reasons: [.missingWAN]),
        PendingCase(
            label: "mesh member without wan nor lan", type: .ipsecMesh, lowerLayer: .ipv4,
            members: [Member(device: "a"), Member(device: "b", wan: "ppp0", lan: lan)], device: "a",
            reasons: [.missingWAN, .missingLAN]),
        PendingCase(
            label: "IPv6 member without ipv6", type: .ipsecMesh, lowerLayer: .ipv6,
            members: [
                Member(device: "a", wan: "ppp0", lan: lan),
                Member(device: "b", wan: "ppp0", lan: lan, ipv6: "2001:db8::b"),
            ], device: "a", reasons: [.missingIPv6]),
        PendingCase(
            label: "spoke without backup interface when the star has a backup", type: .ipsecStar, lowerLayer: .ipv4,
            members: [
                full("c", role: .center, n: 1), full("k", role: .backup, n: 2),
                Member(device: "a", wan: "ppp0", lan: lan),
            ], device: "a", reasons: [.missingBackupWAN, .missingBackupLAN]),
        PendingCase(
            label: "star without center", type: .ipsecStar, lowerLayer: .ipv4,
            members: [full("a", n: 1), full("b", n: 2)], device: "a", reasons: [.starCenter]),
        PendingCase(
            label: "star with two backups", type: .ipsecStar, lowerLayer: .ipv4,
            members: [
                full("c", role: .center, n: 1), full("k", role: .backup, n: 2), full("l", role: .backup, n: 3),
                full("a", n: 4),
            ], device: "a", reasons: [.starBackup]),
        PendingCase(
            label: "unknown device", type: .ipsecMesh, lowerLayer: .ipv4,
            members: [Member(device: "ghost", wan: "ppp0", lan: lan), Member(device: "b", wan: "ppp0", lan: lan)],
            device: "ghost", reasons: [.unknownDevice]),
        PendingCase(
            label: "device listed twice", type: .ipsecMesh, lowerLayer: .ipv4,
            members: [
                Member(device: "a", wan: "ppp0", lan: lan), Member(device: "a", wan: "ppp1", lan: lan),
                Member(device: "b", wan: "ppp0", lan: lan),
            ], device: "a", reasons: [.duplicateMember]),
    ]

    @Test(
        "a member with missing parameters is pending with its reasons, and nobody gets a policy to it",
        arguments: pendingCases)
    func pendingMember(_ row: PendingCase) throws {
        let group = Group(
            name: "g", type: row.type, ipsec: IPsecParameters(lowerLayer: row.lowerLayer), members: row.members)
        let codes = Set(row.members.map(\.device)).subtracting(["ghost"])
        let snapshot = Support.snapshot(devices: Array(codes), groups: [group])
        let result = Support.compiler.compile(snapshot: snapshot, addresses: [:])
        let member = try #require(result.group("g")?.member(row.device))
        #expect(member.state == .pending(row.reasons))
        #expect(member.policies == [])
        #expect(result.policies(of: row.device) == .empty)
        for code in codes {
            #expect(result.policies(of: code).ikePolicy("cms-g-" + row.device) == nil)
        }
        let warning = try #require(result.warnings.first { $0.kind == .memberPending && $0.device == row.device })
        for reason in row.reasons { #expect(warning.message.contains(reason.description)) }
    }

    @Test("a star without a usable center: the spokes are ready but hold only their backup tunnels, and it is said")
    func pendingCenter() throws {
        let group = Group(
            name: "g", type: .ipsecStar, ipsec: IPsecParameters(),
            members: [
                Member(device: "c", role: .center, wan: "ppp0"), Self.full("k", role: .backup, n: 2),
                Self.full("a", n: 3),
            ])
        let result = Support.compiler.compile(
            snapshot: Support.snapshot(devices: ["a", "c", "k"], groups: [group]), addresses: [:])
        #expect(result.group("g")?.member("a")?.state == .ready)
        #expect(result.group("g")?.member("a")?.policies == ["cms-g-k"])
        #expect(result.warnings.contains { $0.kind == .centerPending && $0.device == "c" })
    }

    @Test("towards the backup a spoke uses backupWan/backupLan; on another interface its address is unknown")
    func backupInterface() throws {
        let hq = LANNetwork.network(address: "172.16.0.0", prefixLength: 16)
        let group = Group(
            name: "g", type: .ipsecStar, ipsec: IPsecParameters(),
            members: [
                Member(device: "c", role: .center, wan: "ppp0", lan: hq),
                Member(device: "k", role: .backup, wan: "ppp0", lan: hq),
                Member(
                    device: "s", wan: "ppp0", lan: .network(address: "192.168.1.0", prefixLength: 24),
                    backupWan: "ppp1", backupLan: .network(address: "192.168.11.0", prefixLength: 24)),
            ])
        let result = Support.compiler.compile(
            snapshot: Support.snapshot(devices: ["c", "k", "s"], groups: [group]),
            addresses: ["s": PeerAddress(ipv4: "198.51.100.7"), "k": PeerAddress(ipv4: "203.0.113.2")])
        let toBackup = try #require(result.policies(of: "s").ipsecPolicy("cms-g-k"))
        #expect(toBackup.localInterface == "ppp1" && toBackup.localNetwork == .prefix("192.168.11.0/24"))
        #expect(result.policies(of: "s").ipsecPolicy("cms-g-c")?.localInterface == "ppp0")
        #expect(result.policies(of: "k").ipsecPolicy("cms-g-s")?.remoteNetwork == .prefix("192.168.11.0/24"))
        #expect(result.policies(of: "c").ipsecPolicy("cms-g-s")?.remoteNetwork == .prefix("192.168.1.0/24"))
        #expect(result.policies(of: "c").ikePolicy("cms-g-s")?.peer == .address("198.51.100.7"))
        #expect(result.policies(of: "k").ikePolicy("cms-g-s")?.peer == .dynamic)
        #expect(result.policies(of: "s").ikePolicy("cms-g-k")?.peer == .address("203.0.113.2"))
    }

    @Test("a device in two groups holds the union of both, under distinct names")
    func twoGroups() throws {
        let mesh = Support.mesh("east", sites: ["a", "b", "c"])
        let star = Group(
            name: "hub", type: .ipsecStar, ipsec: IPsecParameters(espEncryption: .tripleDES),
            members: [
                Member(
                    device: "a", role: .center, wan: "ethernet1", lan: .network(address: "10.9.0.0", prefixLength: 16)),
                Member(device: "d", wan: "ppp0", lan: .network(address: "10.8.0.0", prefixLength: 16)),
                Member(device: "b", wan: "ppp0", lan: .network(address: "10.7.0.0", prefixLength: 16)),
            ])
        let result = Support.compiler.compile(
            snapshot: Support.snapshot(devices: ["a", "b", "c", "d"], groups: [mesh, star]), addresses: [:])
        let a = result.policies(of: "a")
        #expect(a.ikePolicies.map(\.name) == ["cms-east-b", "cms-east-c", "cms-hub-b", "cms-hub-d"])
        #expect(a.ipsecPolicies.map(\.name) == a.ikePolicies.map(\.name))
        #expect(a.ipsecPolicy("cms-hub-d")?.localInterface == "ethernet1")
        #expect(a.ipsecPolicy("cms-hub-d")?.espEncryption == .tripleDES)
        #expect(a.ipsecPolicy("cms-east-b")?.espEncryption == .aes128)
        #expect(a.ikePolicy("cms-east-b")?.preSharedKey != a.ikePolicy("cms-hub-b")?.preSharedKey)
        #expect(result.group("east")?.member("a")?.policies == ["cms-east-b", "cms-east-c"])
        #expect(result.group("hub")?.member("a")?.policies == ["cms-hub-b", "cms-hub-d"])
        let repeated = result.warnings.filter { $0.kind == .repeatedPair }
        #expect(repeated.map { "\($0.device ?? "")-\($0.peer ?? "")" } == ["a-b"])
        // What the device receives is valid for the NXR model: names, references and values parse back.
        let parsed = try NXRConfig(
            elements: NXRConfig(ikePolicies: a.ikePolicies, ipsecPolicies: a.ipsecPolicies).xml())
        #expect(ManagedPolicies(config: parsed) == a)
    }

    @Test("warnings: no initiator when neither end has an address; duplicate LANs in a mesh")
    func warnings() {
        let mesh = Group(
            name: "m", type: .ipsecMesh, ipsec: IPsecParameters(),
            members: ["a", "b", "c"].map { Member(device: $0, wan: "ppp0", lan: Self.lan) })
        let result = Support.compiler.compile(
            snapshot: Support.snapshot(devices: ["a", "b", "c"], groups: [mesh]),
            addresses: ["a": PeerAddress(ipv4: "192.0.2.1")])
        let noInitiator = result.warnings.filter { $0.kind == .noInitiator }.map {
            "\($0.device ?? "")-\($0.peer ?? "")"
        }
        #expect(noInitiator == ["b-c"])
        #expect(result.warnings.filter { $0.kind == .duplicateLAN }.compactMap(\.device) == ["a", "b", "c"])
        #expect(result.warnings == result.warnings.sorted())
    }

    @Test("the tenant's IKE settings go into every IKE policy")
    func tenantIKE() throws {
        var snapshot = Support.snapshot(devices: ["a", "b"], groups: [Support.mesh("m", sites: ["a", "b"])])
        snapshot.tenant.ike = IKESettings(
            encryption: .tripleDES, dhGroup: 14, hash: .md5, lifetime: 86400,
            dpd: .init(interval: 3600, retries: 0, action: .clear))
        let ike = try #require(
            Support.compiler.compile(snapshot: snapshot, addresses: [:]).policies(of: "a").ikePolicy("cms-m-b"))
        #expect(ike.encryption == .tripleDES && ike.dhGroup == 14 && ike.hash == .md5 && ike.lifetime == 86400)
        #expect(ike.dpd == IKEPolicy.DPD(interval: 3600, retries: 0, action: .clear))
    }
}
