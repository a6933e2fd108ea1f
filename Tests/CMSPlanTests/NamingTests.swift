import CMSModel
import CMSPlan
import NXRModel
import Testing

/// Policy names: `cms-<group>-<peer>`, valid NXR policy names, stable and collision-free.
@Suite("Generated policy names")
struct NamingTests {
    struct NameCase: Sendable, CustomStringConvertible {
        let group: String
        let expected: String?
        var description: String { group }
    }

    static let cases: [NameCase] = [
        NameCase(group: "IPsec-mesh", expected: "cms-IPsec-mesh-nxr01"),
        NameCase(group: "tokyo_star.v2", expected: "cms-tokyo_star.v2-nxr01"),
        NameCase(
            group: String(repeating: "a", count: 32), expected: "cms-" + String(repeating: "a", count: 32) + "-nxr01"),
        NameCase(group: "東京スター", expected: nil),
        NameCase(group: "tokyo star", expected: nil),
        NameCase(group: "a--b", expected: nil),
        NameCase(group: "-lead", expected: "cms--lead-nxr01"),
        NameCase(group: String(repeating: "x", count: 40), expected: nil),
        NameCase(group: "VPN (本社) – 拠点間 / all sites", expected: nil),
    ]

    @Test("each is a valid NXR policy name of ≤64 characters with the cms- prefix", arguments: cases)
    func valid(_ row: NameCase) throws {
        let name = PolicyNaming.name(group: row.group, peer: "nxr01")
        if let expected = row.expected { #expect(name == expected) }
        #expect(name.hasPrefix("cms-") && name.hasSuffix("-nxr01"))
        #expect((1...64).contains(name.utf8.count))
        #expect(
            name.utf8.allSatisfy { b in
                (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x5F
                    || b == 0x2E || b == 0x2D
            })
        #expect(PolicyNaming.name(group: row.group, peer: "nxr01") == name)
        // The NXR model accepts it (its parser checks the YANG pattern).
        let policy = IKEPolicy(name: name, peer: .dynamic, preSharedKey: "12345678")
        let parsed = try NXRConfig(elements: NXRConfig(ikePolicies: [policy]).xml())
        #expect(parsed.ikePolicies.map(\.name) == [name])
    }

    @Test("distinct groups never share a name, even when their readable parts look alike")
    func collisionFree() {
        let groups = [
            "東京", "大阪", "tokyo star", "tokyo_star", "tokyo-star", "tokyo--star", "tokyo star ", "TOKYO star",
            String(repeating: "x", count: 40), String(repeating: "x", count: 41), String(repeating: "x", count: 33),
            String(repeating: "x", count: 32), "a--b", "a__b", "a-_b",
        ]
        let parts = groups.map(PolicyNaming.groupPart)
        #expect(Set(parts).count == groups.count)
        #expect(PolicyNaming.groupPart("東京 VPN").hasPrefix("___VPN--"))  // docs/ipsec.md §3
        let hashed = parts.filter { $0.contains("--") }
        #expect(hashed.allSatisfy { $0.split(separator: "-").last?.count == 10 })
    }

    @Test("a whole tenant with odd group names compiles to policies the NXR model reads back unchanged")
    func oddNamesRoundTrip() throws {
        let groups = ["本社VPN", "branch vpn", "x.y-z"].map { Support.mesh($0, sites: ["a", "b"]) }
        let result = Support.compiler.compile(
            snapshot: Support.snapshot(devices: ["a", "b"], groups: groups),
            addresses: ["b": PeerAddress(ipv4: "192.0.2.2")])
        let a = result.policies(of: "a")
        #expect(a.ikePolicies.count == 3 && Set(a.ikePolicies.map(\.name)).count == 3)
        let parsed = try NXRConfig(
            elements: NXRConfig(ikePolicies: a.ikePolicies, ipsecPolicies: a.ipsecPolicies).xml())
        #expect(ManagedPolicies(config: parsed) == a)
        #expect(a.ikePolicies.allSatisfy { ($0.description ?? "").count <= 128 })
    }

    @Test("a pre-shared-key secret shorter than 16 bytes is refused with a clear error")
    func shortSecret() throws {
        let error = #expect(throws: PSKDerivation.ShortSecret.self) { try PSKDerivation(secret: Array("short".utf8)) }
        #expect(error?.length == 5)
        #expect(error?.description.contains("at least 16") == true)
        let keys = try PSKDerivation(secret: Array(repeating: 7, count: 16))
        #expect(
            keys.key(tenant: "t", group: "g", between: "a", and: "b")
                == keys.key(tenant: "t", group: "g", between: "b", and: "a"))
        #expect(
            keys.key(tenant: "t", group: "g", between: "a", and: "b")
                != keys.key(tenant: "t", group: "h", between: "a", and: "b"))
    }
}
