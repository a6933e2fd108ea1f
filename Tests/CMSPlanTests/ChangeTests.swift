import TestSupport
import CMSModel
import CMSPlan
import NXRModel
import Testing

/// What changes when the desired state or an address changes: only the policies that must.
@Suite("Compiled policies change only where they must")
struct ChangeTests {
    static func compile(_ snapshot: TenantSnapshot, _ addresses: [DeviceCode: PeerAddress] = [:]) -> IPsecCompilation {
        Support.compiler.compile(snapshot: snapshot, addresses: addresses)
    }

    /// Every change of a diff as `device sign kind name`.
    static func summary(_ changes: [DevicePolicyChanges]) -> [String] {
        changes.flatMap { device in
            device.ike.map { "\(device.device) \($0.symbol) ike \($0.policy.name)" }
                + device.ipsec.map { "\(device.device) \($0.symbol) ipsec \($0.policy.name)" }
        }
    }

    @Test(
        "compiling twice, and with devices, groups and members shuffled, gives identical policies and XML",
        arguments: 0..<5)
    func deterministic(seed: Int) throws {
        let snapshot = try Support.exampleSnapshot()
        let addresses: [DeviceCode: PeerAddress] = [
            "nxr01": PeerAddress(ipv4: "198.51.100.1"), "star_center": PeerAddress(ipv4: "203.0.113.1"),
        ]
        let first = Self.compile(snapshot, addresses)
        #expect(Self.compile(snapshot, addresses) == first)
        var generator = SplitMix(seed: UInt64(seed))
        var shuffled = snapshot
        shuffled.devices.shuffle(using: &generator)
        shuffled.groups.shuffle(using: &generator)
        for i in shuffled.groups.indices { shuffled.groups[i].members.shuffle(using: &generator) }
        let second = Self.compile(shuffled, addresses)
        #expect(second == first)
        for (code, policies) in first.devices {
            #expect(Support.xml(second.policies(of: code)) == Support.xml(policies))
        }
        #expect(!Support.xml(first.policies(of: "star_center")).isEmpty)
    }

    @Test("an unchanged group's members get byte-identical XML when another group changes")
    func untouchedGroupIsByteIdentical() {
        let before = Support.snapshot(
            devices: ["a", "b", "c", "d", "e"],
            groups: [Support.mesh("one", sites: ["a", "b"]), Support.mesh("two", sites: ["c", "d"])])
        var after = before
        after.groups[1] = Support.mesh("two", sites: ["c", "d", "e"])
        after.tenant.name = "renamed"
        let old = Self.compile(before, ["a": PeerAddress(ipv4: "192.0.2.1")])
        let new = Self.compile(after, ["a": PeerAddress(ipv4: "192.0.2.1"), "e": PeerAddress(ipv4: "192.0.2.5")])
        for code in ["a", "b"] {
            #expect(Support.xml(new.policies(of: code)) == Support.xml(old.policies(of: code)))
        }
        #expect(Support.xml(new.policies(of: "c")) != Support.xml(old.policies(of: "c")))
        #expect(PolicyDiff.diff(old: old.devices, new: new.devices).map(\.device) == ["c", "d", "e"])
    }

    @Test("adding a site to a 20-device mesh adds one tunnel on each of the 19 and 19 on the new one, nothing else")
    func addSite() {
        let nineteen = (0..<19).map(Support.site)
        let twenty = (0..<20).map(Support.site)
        let addresses = Dictionary(
            uniqueKeysWithValues: twenty.enumerated().map { ($1, PeerAddress(ipv4: "192.0.2.\($0 + 1)")) })
        let before = Self.compile(
            Support.snapshot(devices: twenty, groups: [Support.mesh("big", sites: nineteen)]), addresses)
        let after = Self.compile(
            Support.snapshot(devices: twenty, groups: [Support.mesh("big", sites: twenty)]), addresses)
        let changes = PolicyDiff.diff(old: before.devices, new: after.devices)
        let new = Support.site(19)
        var expected: [String] = []
        for site in nineteen {
            expected += ["\(site) + ike cms-big-\(new)", "\(site) + ipsec cms-big-\(new)"]
        }
        expected += nineteen.map { "\(new) + ike cms-big-\($0)" } + nineteen.map { "\(new) + ipsec cms-big-\($0)" }
        #expect(Self.summary(changes) == expected)
        #expect(changes.count == 20)
    }

    @Test("a spoke's new address changes only the centers' policies towards it")
    func spokeAddressChange() {
        let star = Self.star()
        let addresses: [DeviceCode: PeerAddress] = [
            "center": PeerAddress(ipv4: "203.0.113.1"), "backup": PeerAddress(ipv4: "203.0.113.2"),
            "s1": PeerAddress(ipv4: "198.51.100.1"), "s2": PeerAddress(ipv4: "198.51.100.2"),
        ]
        var moved = addresses
        moved["s1"] = PeerAddress(ipv4: "198.51.100.99")
        let changes = PolicyDiff.diff(
            old: Self.compile(star, addresses).devices, new: Self.compile(star, moved).devices)
        #expect(Self.summary(changes) == ["backup ~ ike cms-hq-s1", "center ~ ike cms-hq-s1"])
        guard case .change(let old, let new) = changes.first?.ike.first else {
            Issue.record("expected a change")
            return
        }
        #expect(old.peer == .address("198.51.100.1") && new.peer == .address("198.51.100.99"))
        // Losing the address makes the centers wait for the spoke to initiate.
        var lost = addresses
        lost["s1"] = nil
        let dynamic = Self.compile(star, lost)
        #expect(dynamic.policies(of: "center").ikePolicy("cms-hq-s1")?.peer == .dynamic)
    }

    @Test("a center's LAN edit changes the center's policies and the spokes' towards it, never the backup's")
    func centerLANChange() {
        let star = Self.star()
        var edited = star
        edited.groups[0].members[0].lan = .network(address: "172.16.0.0", prefixLength: 24)
        #expect(edited.groups[0].members[0].device == "center")
        let changes = PolicyDiff.diff(old: Self.compile(star).devices, new: Self.compile(edited).devices)
        #expect(
            Self.summary(changes) == [
                "center ~ ipsec cms-hq-s1", "center ~ ipsec cms-hq-s2", "s1 ~ ipsec cms-hq-center",
                "s2 ~ ipsec cms-hq-center",
            ])
        for device in changes {
            for case .change(let old, let new) in device.ipsec {
                if device.device == "center" {
                    #expect(
                        old.localNetwork == .prefix("172.16.0.0/16") && new.localNetwork == .prefix("172.16.0.0/24"))
                } else {
                    #expect(
                        old.remoteNetwork == .prefix("172.16.0.0/16") && new.remoteNetwork == .prefix("172.16.0.0/24"))
                }
            }
        }
        // The spokes still have exactly one tunnel to each center: the backup's stay as they were.
        let after = Self.compile(edited)
        #expect(after.policies(of: "s1").ipsecPolicies.map(\.name) == ["cms-hq-backup", "cms-hq-center"])
        #expect(after.policies(of: "backup") == Self.compile(star).policies(of: "backup"))
    }

    @Test("deleting a group removes exactly that group's policies from every member, and only them")
    func groupDeletion() {
        let both = Support.snapshot(
            devices: ["a", "b", "c", "d"],
            groups: [Support.mesh("keep", sites: ["a", "b"]), Support.mesh("gone", sites: ["a", "c", "d"])])
        var without = both
        without.groups.removeAll { $0.name == "gone" }
        let before = Self.compile(both)
        let changes = PolicyDiff.diff(old: before.devices, new: Self.compile(without).devices)
        var expected: [String] = []
        for (device, peers) in [("a", ["c", "d"]), ("c", ["a", "d"]), ("d", ["a", "c"])] {
            expected +=
                peers.map { "\(device) - ike cms-gone-\($0)" } + peers.map { "\(device) - ipsec cms-gone-\($0)" }
        }
        #expect(Self.summary(changes) == expected)
        #expect(before.policies(of: "a").ikePolicy("cms-keep-b") != nil)
    }

    @Test("the diff never touches a policy that is not named cms-")
    func handMadePoliciesAreInvisible() {
        let compiled = Self.compile(
            Support.snapshot(devices: ["a", "b"], groups: [Support.mesh("m", sites: ["a", "b"])]))
        var observed = compiled.policies(of: "a")
        let office = IKEPolicy(name: "office", peer: .dynamic, preSharedKey: "hand-made-key")
        observed.ikePolicies.append(office)
        observed.ipsecPolicies.append(
            IPsecPolicy(
                name: "office", ikePolicy: "office", localInterface: "ppp0", localNetwork: .host,
                remoteNetwork: .prefix("10.0.0.0/8")))
        let changes = PolicyDiff.diff(old: ["a": observed], new: ["a": .empty])
        #expect(Self.summary(changes) == ["a - ike cms-m-b", "a - ipsec cms-m-b"])
        #expect(
            ManagedPolicies(ikePolicies: observed.ikePolicies, ipsecPolicies: observed.ipsecPolicies)
                == compiled.policies(of: "a"))
    }

    @Test("the plan text says what changes in words, and never shows a pre-shared key")
    func rendering() throws {
        let star = Self.star()
        var edited = star
        edited.groups[0].members[0].lan = .network(address: "172.16.0.0", prefixLength: 24)
        edited.groups[0].members.append(
            Member(
                device: "s3", wan: "ppp0", lan: .network(address: "192.168.3.0", prefixLength: 24),
                backupWan: "ppp0", backupLan: .network(address: "192.168.3.0", prefixLength: 24)))
        edited.devices.append(Device(code: "s3", product: .nxr120))
        var rekeyed = Support.compiler
        rekeyed.psk = try PSKDerivation(secret: Array("another-secret-0123456789".utf8))
        let old = Self.compile(star)
        let new = rekeyed.compile(snapshot: edited, addresses: ["center": PeerAddress(ipv4: "203.0.113.1")])
        let text = PolicyDiff.render(PolicyDiff.diff(old: old.devices, new: new.devices))
        #expect(text.contains("s3\n"))
        #expect(
            text.contains(
                "  + ipsec-policy cms-hq-center peer id-center local 192.168.3.0/24 remote 172.16.0.0/24 via ppp0"))
        #expect(
            text.contains(
                "  + ike-policy cms-hq-center peer id-center address 203.0.113.1 local-id fqdn:id-s3"
                    + " remote-id fqdn:id-center aggressive encryption aes128 hash sha1 dh 2 lifetime 10800"
                    + " dpd 30/3/restart"
            ))
        #expect(text.contains("  ~ ipsec-policy cms-hq-s1 peer id-s1: local 172.16.0.0/16 → 172.16.0.0/24"))
        #expect(text.contains("  ~ ike-policy cms-hq-backup peer id-backup: pre-shared-key changed"))
        #expect(
            text.contains(
                "  ~ ike-policy cms-hq-center peer id-center: address dynamic → 203.0.113.1, pre-shared-key changed"))
        for policies in Array(old.devices.values) + Array(new.devices.values) {
            for ike in policies.ikePolicies {
                let key = try #require(ike.preSharedKey)
                #expect(!text.contains(key))
            }
        }
    }

    /// The hq star: center + backup (both 172.16.0.0/16) and spokes s1, s2.
    static func star() -> TenantSnapshot {
        func spoke(_ code: String, _ n: Int) -> Member {
            let lan = LANNetwork.network(address: "192.168.\(n).0", prefixLength: 24)
            return Member(device: code, wan: "ppp0", lan: lan, backupWan: "ppp0", backupLan: lan)
        }
        let hq = LANNetwork.network(address: "172.16.0.0", prefixLength: 16)
        let group = Group(
            name: "hq", type: .ipsecStar, ipsec: IPsecParameters(),
            members: [
                Member(device: "center", role: .center, wan: "ppp0", lan: hq),
                Member(device: "backup", role: .backup, wan: "ppp0", lan: hq), spoke("s1", 1), spoke("s2", 2),
            ])
        return Support.snapshot(devices: ["backup", "center", "s1", "s2"], groups: [group])
    }
}

typealias SplitMix = SeededRandom
