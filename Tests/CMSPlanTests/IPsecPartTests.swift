import CMSModel
import CMSPlan
import NETCONF
import NXRModel
import Testing

/// `IPsecPart`: the device's `cms-` policies brought to the compiled ones, nothing else touched.
@Suite("IPsecPart diffs and edits only cms- policies")
struct IPsecPartTests {
    static let ns = NXRNamespace.uri

    /// Mesh `m` of a, b, c with these addresses; the policies of device `a`.
    static func desired(_ addresses: [DeviceCode: PeerAddress] = Self.addresses, group: String = "m") -> ManagedPolicies
    {
        let snapshot = Support.snapshot(
            devices: ["a", "b", "c"], groups: [Support.mesh(group, sites: ["a", "b", "c"])])
        return Support.compiler.compile(snapshot: snapshot, addresses: addresses).policies(of: "a")
    }

    static let addresses: [DeviceCode: PeerAddress] = [
        "a": PeerAddress(ipv4: "10.0.0.1"), "b": PeerAddress(ipv4: "10.0.0.2"), "c": PeerAddress(ipv4: "10.0.0.3"),
    ]

    /// A policy pair made by hand (no `cms-` prefix).
    static let handIKE = IKEPolicy(
        name: "office", exchangeMode: .main, localID: IKEID(value: "hq.example.jp"),
        remoteID: IKEID(value: "office.example.jp"), peer: .address("192.0.2.50"), preSharedKey: "hand-made-psk")
    static let handIPsec = IPsecPolicy(
        name: "office", ikePolicy: "office", localInterface: "ethernet1", localNetwork: .prefix("192.168.0.0/24"),
        remoteNetwork: .prefix("192.168.50.0/24"))

    /// The same group's policies under another group name: `cms-` entries nobody wants any more.
    static var stale: ManagedPolicies { desired(group: "old") }

    /// What a device holds, as `<ipsec>` children (IKE policies first, as a device lists them).
    static func held(_ sets: [ManagedPolicies], hand: Bool = false) -> [XMLElement] {
        var ike = sets.flatMap(\.ikePolicies)
        var ipsec = sets.flatMap(\.ipsecPolicies)
        if hand {
            ike.insert(handIKE, at: 0)
            ipsec.insert(handIPsec, at: 0)
        }
        return ike.map { $0.xml() } + ipsec.map { $0.xml() }
    }

    /// `+ ike-policy cms-m-b` — the first three words of a summary line.
    static func head(_ line: String) -> String { line.split(separator: " ").prefix(3).joined(separator: " ") }

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var held: [XMLElement]
        var desired: ManagedPolicies
        /// Heads of the summary lines; empty = no change (nil).
        var expected: [String]
        /// A text some summary line must contain.
        var mentions: String? = nil
    }

    static let cases: [Case] = [
        Case(
            description: "a fresh device gets every policy", held: [], desired: desired(),
            expected: [
                "+ ike-policy cms-m-b", "+ ipsec-policy cms-m-b", "+ ike-policy cms-m-c", "+ ipsec-policy cms-m-c",
            ]),
        Case(
            description: "a device holding exactly its policies needs nothing", held: held([desired()]),
            desired: desired(), expected: []),
        Case(
            description: "hand-made policies are invisible", held: held([desired()], hand: true),
            desired: desired(), expected: []),
        Case(
            description: "cms- policies no longer wanted are deleted, hand-made ones kept",
            held: held([desired(), stale], hand: true), desired: desired(),
            expected: [
                "- ike-policy cms-old-b", "- ipsec-policy cms-old-b", "- ike-policy cms-old-c",
                "- ipsec-policy cms-old-c",
            ]),
        Case(
            description: "a device in no IPsec group loses every cms- policy and only those",
            held: held([desired()], hand: true), desired: .empty,
            expected: [
                "- ike-policy cms-m-b", "- ipsec-policy cms-m-b", "- ike-policy cms-m-c", "- ipsec-policy cms-m-c",
            ]),
        Case(
            description: "a peer's new address changes only its IKE policy", held: held([desired()]),
            desired: desired(addresses.merging(["b": PeerAddress(ipv4: "10.0.0.9")]) { $1 }),
            expected: ["~ ike-policy cms-m-b"], mentions: "address 10.0.0.2 → 10.0.0.9"),
        Case(
            description: "a peer whose address is no longer known becomes dynamic", held: held([desired()]),
            desired: desired(addresses.filter { $0.key != "c" }),
            expected: ["~ ike-policy cms-m-c"], mentions: "address 10.0.0.3 → dynamic"),
        Case(
            description: "a renamed group replaces every policy", held: held([stale], hand: true), desired: desired(),
            expected: [
                "+ ike-policy cms-m-b", "+ ipsec-policy cms-m-b", "+ ike-policy cms-m-c", "+ ipsec-policy cms-m-c",
                "- ike-policy cms-old-b", "- ipsec-policy cms-old-b", "- ike-policy cms-old-c",
                "- ipsec-policy cms-old-c",
            ]),
    ]

    @Test("the change summary says what happens", arguments: cases)
    func summary(_ c: Case) throws {
        let part = IPsecPart(device: "a", policies: c.desired)
        let observed = [XMLElement("ipsec", namespace: Self.ns, elements: c.held)]
        let change = part.change(observed: observed)
        if c.expected.isEmpty {
            #expect(change == nil)
            return
        }
        let found = try #require(change)
        #expect(found.part == "ipsec")
        #expect(found.summary.map(Self.head) == c.expected)
        if let mentions = c.mentions { #expect(found.summary.contains { $0.contains(mentions) }, "\(found.summary)") }
        #expect(!found.summary.joined().contains(c.desired.ikePolicies.first?.preSharedKey ?? "\u{0}"))
    }

    @Test("applying the edit on nxr-sim leaves nothing to change and hand-made policies as they were", arguments: cases)
    func appliedOnTheSimulator(_ c: Case) throws {
        var device = try SimEngine(ipsec: c.held)
        let part = IPsecPart(device: "a", policies: c.desired)
        let before = try device.read(part.readFilter)
        if let change = part.change(observed: before) {
            try device.edit(change.edit)
        }
        let after = try device.read(part.readFilter)
        #expect(part.change(observed: after) == nil)
        let config = try NXRConfig(elements: after)
        #expect(ManagedPolicies(config: config) == c.desired)
        let hand = config.ikePolicies.filter { !$0.isManagedByCMS }
        let handIPsec = config.ipsecPolicies.filter { !$0.isManagedByCMS }
        let heldConfig = try NXRConfig(elements: [XMLElement("ipsec", namespace: Self.ns, elements: c.held)])
        #expect(hand == heldConfig.ikePolicies.filter { !$0.isManagedByCMS })
        #expect(handIPsec == heldConfig.ipsecPolicies.filter { !$0.isManagedByCMS })
    }

    @Test("the part reads exactly <ipsec xmlns=\"urn:cms:nxr:1.0\"/>")
    func readFilter() {
        let part = IPsecPart(device: "a", policies: Self.desired())
        #expect(part.id == "ipsec")
        #expect(part.readFilter == [XMLElement("ipsec", namespace: Self.ns)])
    }

    @Test("the edit replaces whole entries, adds IKE before IPsec, deletes IPsec before IKE, names only cms- entries")
    func editShape() throws {
        let part = IPsecPart(device: "a", policies: Self.desired())
        let observed = [XMLElement("ipsec", namespace: Self.ns, elements: Self.held([Self.stale], hand: true))]
        let change = try #require(part.change(observed: observed))
        #expect(change.edit.count == 1)
        let container = try #require(change.edit.first)
        #expect(container.matches("ipsec", namespace: Self.ns))
        let rows = container.elements.map { entry in
            "\(entry.attribute("operation", namespace: NETCONFNamespace.base) ?? "-") \(entry.name) "
                + (entry.childText("name") ?? "")
        }
        #expect(
            rows == [
                "replace ike-policy cms-m-b", "replace ike-policy cms-m-c", "replace ipsec-policy cms-m-b",
                "replace ipsec-policy cms-m-c", "delete ipsec-policy cms-old-b", "delete ipsec-policy cms-old-c",
                "delete ike-policy cms-old-b", "delete ike-policy cms-old-c",
            ])
        for entry in container.elements where entry.attribute("operation", namespace: NETCONFNamespace.base) == "delete"
        {
            #expect(entry.elements.map(\.name) == ["name"])
        }
        #expect(!rows.contains { $0.hasSuffix(" office") })
    }

    @Test("the same state in any order gives the same bytes")
    func deterministic() throws {
        let part = IPsecPart(device: "a", policies: Self.desired())
        let held = Self.held([Self.stale], hand: true)
        let first = try #require(part.change(observed: [XMLElement("ipsec", namespace: Self.ns, elements: held)]))
        let reversed = try #require(
            part.change(observed: [XMLElement("ipsec", namespace: Self.ns, elements: held.reversed())]))
        #expect(first == reversed)
        #expect(XML.serializeBytes(first.edit[0]) == XML.serializeBytes(reversed.edit[0]))
    }

    @Test("elements outside the nxr ipsec container and unknown entries are ignored")
    func foreignElements() {
        let part = IPsecPart(device: "a", policies: Self.desired())
        let observed = [
            XMLElement("ipsec", namespace: "urn:example:other", elements: Self.held([Self.stale])),
            XMLElement(
                "ipsec", namespace: Self.ns,
                elements: Self.held([Self.desired()]) + [
                    XMLElement("future-leaf", namespace: Self.ns, text: "x")
                ]),
        ]
        #expect(part.change(observed: observed) == nil)
    }

    /// A cms- IKE policy with a value the model refuses (DH group 3), as a hand edit on the device could leave.
    static func broken(_ name: String) -> XMLElement {
        var entry = IKEPolicy(name: name, peer: .dynamic).xml()
        entry.children = entry.children.map { node in
            if case .element(let e) = node, e.name == "dh-group" {
                return .element(XMLElement("dh-group", namespace: ns, text: "3"))
            }
            return node
        }
        return entry
    }

    @Test("a cms- entry the model cannot read is rewritten when wanted and deleted when not")
    func unreadableEntries() throws {
        let held =
            Self.held([Self.desired()]).filter { $0.childText("name") != "cms-m-b" || $0.name != "ike-policy" }
            + [Self.broken("cms-m-b"), Self.broken("cms-junk-x")]
        var device = try SimEngine(ipsec: held, byHand: true)
        let part = IPsecPart(device: "a", policies: Self.desired())
        let change = try #require(part.change(observed: try device.read(part.readFilter)))
        #expect(change.summary.contains { $0.hasPrefix("~ ike-policy cms-m-b: unreadable on the device") })
        #expect(change.summary.contains { $0.hasPrefix("- ike-policy cms-junk-x (unreadable") })
        try device.edit(change.edit)
        #expect(part.change(observed: try device.read(part.readFilter)) == nil)
    }

    @Test("a broken hand-made entry is left alone and does not hide the cms- ones")
    func brokenHandMade() {
        let part = IPsecPart(device: "a", policies: Self.desired())
        let observed = [
            XMLElement("ipsec", namespace: Self.ns, elements: [Self.broken("office")] + Self.held([Self.desired()]))
        ]
        #expect(part.change(observed: observed) == nil)
    }

    @Test("adding a site to a 20-device mesh changes each existing member by one tunnel on the simulator")
    func addSite() throws {
        let nineteen = (0..<19).map(Support.site)
        let twenty = (0..<20).map(Support.site)
        let addresses = Dictionary(
            uniqueKeysWithValues: twenty.enumerated().map { ($1, PeerAddress(ipv4: "192.0.2.\($0 + 1)")) })
        let before = Support.compiler.compile(
            snapshot: Support.snapshot(devices: twenty, groups: [Support.mesh("big", sites: nineteen)]),
            addresses: addresses)
        let after = Support.compiler.compile(
            snapshot: Support.snapshot(devices: twenty, groups: [Support.mesh("big", sites: twenty)]),
            addresses: addresses)
        let member = Support.site(3)
        var device = try SimEngine(ipsec: Self.held([before.policies(of: member)]))
        let part = IPsecPart(device: member, policies: after.policies(of: member))
        let change = try #require(part.change(observed: try device.read(part.readFilter)))
        #expect(change.summary.map(Self.head) == ["+ ike-policy cms-big-s019", "+ ipsec-policy cms-big-s019"])
        try device.edit(change.edit)
        #expect(part.change(observed: try device.read(part.readFilter)) == nil)
    }
}
