import CMSModel
import CMSPlan
import NXRModel
import Testing

/// The guide's two VPN examples (§4.14.3 mesh, §4.14.4 star with backup), read from examples/tenant-repo.
@Suite("The guide's example VPNs compile")
struct GuideTopologyTests {
    /// One expected policy: on `device`, towards `peer`.
    struct Row: Sendable, CustomStringConvertible {
        let device: String
        let peer: String
        let interface: String
        let local: String
        let remote: String
        let localID: String
        let remoteID: String
        var description: String { "\(device)→\(peer)" }
    }

    static let meshRows: [Row] = [
        Row(
            device: "nxr01", peer: "nxr02", interface: "ppp0", local: "172.16.1.0/24", remote: "172.16.2.0/24",
            localID: "id-nxr01", remoteID: "id-nxr02"),
        Row(
            device: "nxr01", peer: "nxr03", interface: "ppp0", local: "172.16.1.0/24", remote: "172.16.3.0/24",
            localID: "id-nxr01", remoteID: "id-nxr03"),
        Row(
            device: "nxr02", peer: "nxr01", interface: "ppp0", local: "172.16.2.0/24", remote: "172.16.1.0/24",
            localID: "id-nxr02", remoteID: "id-nxr01"),
        Row(
            device: "nxr02", peer: "nxr03", interface: "ppp0", local: "172.16.2.0/24", remote: "172.16.3.0/24",
            localID: "id-nxr02", remoteID: "id-nxr03"),
        Row(
            device: "nxr03", peer: "nxr01", interface: "ppp0", local: "172.16.3.0/24", remote: "172.16.1.0/24",
            localID: "id-nxr03", remoteID: "id-nxr01"),
        Row(
            device: "nxr03", peer: "nxr02", interface: "ppp0", local: "172.16.3.0/24", remote: "172.16.2.0/24",
            localID: "id-nxr03", remoteID: "id-nxr02"),
    ]

    /// nxr01 and nxr02 have announced themselves; nxr03 has not (PPPoE, not yet up).
    static let meshAddresses: [DeviceCode: PeerAddress] = [
        "nxr01": PeerAddress(ipv4: "198.51.100.1"), "nxr02": PeerAddress(ipv4: "198.51.100.2"),
    ]

    @Test("3-device mesh of §4.14.3: every policy as expected", arguments: meshRows)
    func meshPolicy(_ row: Row) throws {
        let snapshot = try Support.exampleSnapshot()
        let result = Support.compiler.compile(snapshot: snapshot, addresses: Self.meshAddresses)
        let policies = result.policies(of: row.device)
        try Self.check(row, in: policies, group: "IPsec-mesh", addresses: Self.meshAddresses)
        #expect(policies.ikePolicies.filter { $0.name.hasPrefix("cms-IPsec-mesh-") }.count == 2)
        #expect(policies.ipsecPolicies.filter { $0.name.hasPrefix("cms-IPsec-mesh-") }.count == 2)
    }

    @Test("3-device mesh: every member ready; both ends of each tunnel share one key, different per tunnel")
    func meshKeysAndStates() throws {
        let result = Support.compiler.compile(snapshot: try Support.exampleSnapshot(), addresses: Self.meshAddresses)
        let group = try #require(result.group("IPsec-mesh"))
        #expect(group.members.map(\.device) == ["nxr01", "nxr02", "nxr03"])
        #expect(group.members.allSatisfy { $0.isReady })
        #expect(group.member("nxr01")?.policies == ["cms-IPsec-mesh-nxr02", "cms-IPsec-mesh-nxr03"])
        func key(_ a: String, _ b: String) -> String? {
            result.policies(of: a).ikePolicy("cms-IPsec-mesh-" + b)?.preSharedKey
        }
        var keys: Set<String> = []
        for (a, b) in [("nxr01", "nxr02"), ("nxr01", "nxr03"), ("nxr02", "nxr03")] {
            let k = try #require(key(a, b))
            #expect(k == key(b, a))
            #expect(k.count == 32)
            keys.insert(k)
        }
        #expect(keys.count == 3)
    }

    static let starRows: [Row] =
        ["star_nxr01", "star_nxr02", "star_nxr03", "star_nxr04"].enumerated().flatMap { i, spoke -> [Row] in
            let wan = spoke == "star_nxr04" ? "ethernet1" : "ppp0"
            let lan = "192.168.\(i + 1).0/24"
            let spokeID = "id-star-xnxr0\(i + 1)"
            return [
                Row(
                    device: spoke, peer: "star_center", interface: wan, local: lan, remote: "172.16.0.0/16",
                    localID: spokeID, remoteID: "id-star-xcenter"),
                Row(
                    device: spoke, peer: "star_backup", interface: wan, local: lan, remote: "172.16.0.0/16",
                    localID: spokeID, remoteID: "id-star-xbackup"),
                Row(
                    device: "star_center", peer: spoke, interface: "ppp0", local: "172.16.0.0/16", remote: lan,
                    localID: "id-star-xcenter", remoteID: spokeID),
                Row(
                    device: "star_backup", peer: spoke, interface: "ppp0", local: "172.16.0.0/16", remote: lan,
                    localID: "id-star-xbackup", remoteID: spokeID),
            ]
        }

    static let starAddresses: [DeviceCode: PeerAddress] = [
        "star_center": PeerAddress(ipv4: "203.0.113.1"), "star_backup": PeerAddress(ipv4: "203.0.113.2"),
        "star_nxr01": PeerAddress(ipv4: "198.51.100.11"), "star_nxr04": PeerAddress(ipv4: "198.51.100.14"),
    ]

    @Test("star with center, backup and 4 spokes of §4.14.4: every policy as expected", arguments: starRows)
    func starPolicy(_ row: Row) throws {
        let result = Support.compiler.compile(snapshot: try Support.exampleSnapshot(), addresses: Self.starAddresses)
        try Self.check(row, in: result.policies(of: row.device), group: "IPsec-star", addresses: Self.starAddresses)
    }

    @Test("star: the centers hold one policy per spoke, each spoke two, and the centers none between them")
    func starCounts() throws {
        let result = Support.compiler.compile(snapshot: try Support.exampleSnapshot(), addresses: Self.starAddresses)
        let group = try #require(result.group("IPsec-star"))
        #expect(group.members.allSatisfy { $0.isReady })
        #expect(group.member("star_center")?.role == .center)
        #expect(group.member("star_backup")?.role == .backup)
        #expect(group.member("star_nxr02")?.role == .spoke)
        let spokes = ["star_nxr01", "star_nxr02", "star_nxr03", "star_nxr04"]
        #expect(group.member("star_center")?.policies == spokes.map { "cms-IPsec-star-" + $0 })
        #expect(group.member("star_backup")?.policies == spokes.map { "cms-IPsec-star-" + $0 })
        for spoke in spokes {
            #expect(group.member(spoke)?.policies == ["cms-IPsec-star-star_backup", "cms-IPsec-star-star_center"])
            #expect(result.policies(of: spoke).ipsecPolicies.count == 2)
        }
        #expect(result.policies(of: "star_center").ikePolicy("cms-IPsec-star-star_backup") == nil)
        #expect(result.policies(of: "star_backup").ikePolicy("cms-IPsec-star-star_center") == nil)
    }

    @Test("devices in no IPsec group get an empty policy set, so stale policies are removed")
    func nonMembersAreEmpty() throws {
        let snapshot = try Support.exampleSnapshot()
        let result = Support.compiler.compile(snapshot: snapshot, addresses: [:])
        #expect(Set(result.devices.keys) == Set(snapshot.devices.map(\.code)))
        #expect(result.policies(of: "kichijoji") == .empty)
        #expect(result.groups.map(\.name) == ["IPsec-mesh", "IPsec-star", "ipv6-lab"])
    }

    static func check(
        _ row: Row, in policies: ManagedPolicies, group: String, addresses: [DeviceCode: PeerAddress]
    ) throws {
        let name = "cms-\(group)-\(row.peer)"
        let ike = try #require(policies.ikePolicy(name))
        let ipsec = try #require(policies.ipsecPolicy(name))
        #expect(ike.description == "managed by cms: group \(group), peer \(row.peer)")
        #expect(ike.exchangeMode == .aggressive)
        #expect(ike.encryption == .aes128 && ike.hash == .sha1 && ike.dhGroup == 2 && ike.lifetime == 10800)
        #expect(ike.dpd == IKEPolicy.DPD(interval: 30, retries: 3, action: .restart))
        #expect(ike.localID == NXRModel.IKEID(type: .fqdn, value: row.localID))
        #expect(ike.remoteID == NXRModel.IKEID(type: .fqdn, value: row.remoteID))
        let expectedPeer: IKEPolicy.Peer = addresses[row.peer]?.ipv4.map { .address($0) } ?? .dynamic
        #expect(ike.peer == expectedPeer)
        #expect(ike.preSharedKey != nil)
        #expect(ipsec.ikePolicy == name && ipsec.enabled)
        #expect(ipsec.lowerLayer == .ipv4)
        #expect(ipsec.localInterface == row.interface)
        #expect(ipsec.localNetwork == .prefix(row.local))
        #expect(ipsec.remoteNetwork == .prefix(row.remote))
        #expect(ipsec.espEncryption == .aes128 && ipsec.espHash == .sha1HMAC && ipsec.pfs == .group(2))
        #expect(ipsec.saLifetime == 3600)
    }
}
