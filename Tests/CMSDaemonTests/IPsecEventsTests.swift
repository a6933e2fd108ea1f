import CMSModel
import CMSPlan
import NETCONF
import Testing

@testable import CMSDaemon

/// Which IPsec events an apply records, read from the ipsec part's plan lines.
@Suite("IPsec events of an apply", .tags(.core))
struct IPsecEventsTests {
    static func changes(_ lines: [String], part: String = IPsecPart.partID) -> DeviceChangeSet {
        DeviceChangeSet(device: "a", changes: [PartChange(part: part, summary: lines, edit: [])])
    }

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var lines: [String]
        var part: String = IPsecPart.partID
        var added: [String]
        var changes: Bool
        var deletes: Bool
    }

    static let cases: [Case] = [
        Case(
            description: "additions name their groups once each",
            lines: [
                "+ ike-policy cms-IPsec-mesh-nxr02 peer id-nxr02 address dynamic",
                "+ ipsec-policy cms-IPsec-mesh-nxr02 peer id-nxr02 local 172.16.1.0/24",
                "+ ike-policy cms-big-s01 peer id-s01", "+ ike-policy cms-___VPN--0123456789-nxr01 peer id-nxr01",
            ], added: ["IPsec-mesh", "___VPN--0123456789", "big"], changes: false, deletes: false),
        Case(
            description: "a change and a deletion",
            lines: [
                "~ ike-policy cms-m-b peer id-b: address 10.0.0.2 → 10.0.0.9",
                "- ipsec-policy cms-old-c peer id-c local 10.0.0.0/16",
            ], added: [], changes: true, deletes: true),
        Case(
            description: "lines of another part are not IPsec events", lines: ["+ interface ppp0 mtu 1400"],
            part: "baseline", added: [], changes: false, deletes: false),
        Case(description: "nothing", lines: [], added: [], changes: false, deletes: false),
    ]

    /// Issue 10: a group whose name is not a valid policy-name part was recorded under its sanitised form, so
    /// `cms events --group <its name>` missed it.
    @Test("added groups carry the group's real name, not the policy name's sanitised form")
    func realGroupNames() {
        let groups = ["本社 VPN", "IPsec-mesh", "a--b"].map { Group(name: $0, type: .ipsecMesh) }
        let names = IPsecEvents.groupNames(groups)
        let lines = groups.map { "+ ike-policy \(PolicyNaming.name(group: $0.name, peer: "nxr02")) peer id-nxr02" }
        #expect(lines[0].contains("cms-___VPN--"), "the policy name is sanitised: \(lines[0])")
        let kinds = IPsecEvents.kinds(Self.changes(lines), groupNames: names)
        #expect(kinds.addedGroups == ["IPsec-mesh", "a--b", "本社 VPN"])
        let events = IPsecEvents.events(
            kinds, started: true, time: .seconds(1), tenant: "t", device: "a", user: nil, revision: "r")
        #expect(events.compactMap(\.group) == ["IPsec-mesh", "a--b", "本社 VPN"])
    }

    @Test("the kinds of IPsec change in a plan", arguments: cases)
    func kinds(_ c: Case) {
        let kinds = IPsecEvents.kinds(Self.changes(c.lines, part: c.part))
        #expect(kinds.addedGroups == c.added)
        #expect(kinds.changes == c.changes)
        #expect(kinds.deletes == c.deletes)
        let started = IPsecEvents.events(
            kinds, started: true, time: .seconds(1), tenant: "t", device: "a", user: nil, revision: "r")
        let done = IPsecEvents.events(
            kinds, started: false, time: .seconds(2), tenant: "t", device: "a", user: nil, revision: "r")
        #expect(started.count == c.added.count + (c.changes ? 1 : 0) + (c.deletes ? 1 : 0))
        #expect(done.count == started.count)
        #expect(started.compactMap(\.group) == c.added)
        #expect(started.allSatisfy { $0.type.rawValue.hasSuffix(".started") && $0.device == "a" })
        #expect(done.allSatisfy { $0.type.rawValue.hasSuffix(".succeeded") })
        #expect(started.contains { $0.type == .ipsecChangeStarted } == c.changes)
        #expect(done.contains { $0.type == .ipsecChangeSucceeded } == c.changes)
        #expect(started.contains { $0.type == .ipsecDeleteStarted } == c.deletes)
        #expect(done.contains { $0.type == .ipsecDeleteSucceeded } == c.deletes)
    }
}
