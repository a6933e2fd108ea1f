import CMSModel
import CMSPlan
import Foundation
import NETCONF
import NXRModel
import NXRSim
import Testing

/// A baseline (`enforce: true` XML config file) as a managed part: what it asks of a device, the merge edit it
/// plans, and that applying that edit with nxr-sim's datastore rules leaves nothing to change.
@Suite("Baseline part")
struct BaselinePartTests {
    static let file = "configs/ebisu/baseline.xml"
    static let nxr = NXRNamespace.uri

    /// Top-level elements of a `<data>` holding `xml` (NXR namespace by default on the elements written).
    static func fragment(_ xml: String) throws -> [XMLElement] {
        try XML.parse("<data xmlns=\"\(NETCONFNamespace.base)\">\(xml)</data>").elements
    }

    static func baseline(_ xml: String) throws(PlanError) -> BaselinePart {
        try BaselinePart(file: file, xml: Array(xml.utf8))
    }

    /// A baseline written inside `<config>`.
    static func config(_ body: String) -> String {
        "<?xml version=\"1.0\"?>\n<config xmlns=\"\(NETCONFNamespace.base)\">\n\(body)\n</config>\n"
    }

    /// The running datastore after applying `edit` to `observed` with nxr-sim's `<edit-config>` (merge).
    static func applied(_ edit: [XMLElement], to observed: [XMLElement]) -> (root: XMLElement, errors: [RPCError]) {
        var root = XMLElement("data", namespace: NETCONFNamespace.base, elements: observed)
        let errors = ConfigEdit.apply(edit, to: &root, defaultOperation: .merge, errorOption: .rollbackOnError)
        return (root, errors)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var baseline: String
        var observed: String
        /// nil: in sync.
        var summary: [String]?
        /// The expected edit, as top-level elements.
        var edit: String = ""
        /// Text that must still be on the device after the edit (things the baseline does not mention).
        var untouched: [String] = []
        var testDescription: String { name }
    }

    static let nxrAttr = "xmlns=\"urn:cms:nxr:1.0\""

    static let cases: [Case] = [
        Case(
            name: "in sync: every written leaf is on the device, which holds more",
            baseline: config(
                """
                <system \(nxrAttr)><hostname>ebisu</hostname></system>
                <interfaces \(nxrAttr)><interface><name>ppp0</name><mtu>1454</mtu></interface></interfaces>
                """),
            observed: """
                <system \(nxrAttr)><hostname>ebisu</hostname></system>
                <interfaces \(nxrAttr)>
                  <interface><name>ethernet0</name><description>LAN</description></interface>
                  <interface><name>ppp0</name><description>pppoe</description><mtu>1454</mtu></interface>
                </interfaces>
                """,
            summary: nil),
        Case(
            name: "a changed leaf is one ~ line and an edit of that leaf only",
            baseline: config("<system \(nxrAttr)><hostname>ebisu</hostname></system>"),
            observed: "<system \(nxrAttr)><hostname>nxr</hostname></system>",
            summary: ["~ system/hostname: \"nxr\" → \"ebisu\""],
            edit: "<system \(nxrAttr)><hostname>ebisu</hostname></system>"),
        Case(
            name: "a missing list entry is added whole, one + line per leaf",
            baseline: config(
                """
                <interfaces \(nxrAttr)>
                  <interface><name>ethernet1</name><description>to ONU</description><mtu>1454</mtu></interface>
                </interfaces>
                """),
            observed: "<interfaces \(nxrAttr)><interface><name>ethernet0</name></interface></interfaces>",
            summary: [
                "+ interfaces/interface[name='ethernet1']/description: \"to ONU\"",
                "+ interfaces/interface[name='ethernet1']/mtu: 1454",
            ],
            edit: """
                <interfaces \(nxrAttr)>
                  <interface><name>ethernet1</name><description>to ONU</description><mtu>1454</mtu></interface>
                </interfaces>
                """,
            untouched: ["ethernet0"]),
        Case(
            name: "a missing leaf of an existing entry is edited with the entry's key",
            baseline: config(
                "<interfaces \(nxrAttr)><interface><name>ethernet1</name><mtu>1454</mtu></interface></interfaces>"),
            observed: """
                <interfaces \(nxrAttr)>
                  <interface><name>ethernet1</name><description>hand-made</description></interface>
                  <interface><name>ethernet0</name><mtu>1500</mtu></interface>
                </interfaces>
                """,
            summary: ["+ interfaces/interface[name='ethernet1']/mtu: 1454"],
            edit: "<interfaces \(nxrAttr)><interface><name>ethernet1</name><mtu>1454</mtu></interface></interfaces>",
            untouched: ["hand-made", "1500"]),
        Case(
            name: "config the baseline does not mention is never in the edit",
            baseline: config(
                """
                <netconf-server \(nxrAttr)><lock-timeout>120</lock-timeout></netconf-server>
                <ipsec \(nxrAttr)><ike-policy><name>office</name><lifetime>28800</lifetime></ike-policy></ipsec>
                """),
            observed: """
                <netconf-server \(nxrAttr)><enable>true</enable><port>830</port><lock-timeout>60</lock-timeout></netconf-server>
                <ipsec \(nxrAttr)>
                  <ike-policy><name>cms-g-peer</name><lifetime>10800</lifetime></ike-policy>
                  <ike-policy><name>office</name><hash>md5</hash><lifetime>28800</lifetime></ike-policy>
                </ipsec>
                <crp \(nxrAttr)><customer-id>century</customer-id></crp>
                """,
            summary: ["~ netconf-server/lock-timeout: 60 → 120"],
            edit: "<netconf-server \(nxrAttr)><lock-timeout>120</lock-timeout></netconf-server>",
            untouched: ["830", "cms-g-peer", "md5", "century"]),
        Case(
            name: "whitespace around leaf values does not count as a difference",
            baseline: config(
                """
                <system \(nxrAttr)>
                  <hostname>
                    ebisu
                  </hostname>
                </system>
                <interfaces \(nxrAttr)><interface><name> ppp0 </name><mtu>1454</mtu></interface></interfaces>
                """),
            observed: """
                <system \(nxrAttr)><hostname>ebisu\t</hostname></system>
                <interfaces \(nxrAttr)><interface><name>ppp0</name><mtu>\n1454\n</mtu></interface></interfaces>
                """,
            summary: nil),
        Case(
            name: "namespaces count, prefixes do not",
            baseline: config(
                """
                <n:system xmlns:n="urn:cms:nxr:1.0"><n:hostname>ebisu</n:hostname></n:system>
                <interfaces \(nxrAttr)><interface><name>ppp0</name><mtu>1454</mtu></interface></interfaces>
                """),
            observed: """
                <system \(nxrAttr)><hostname>ebisu</hostname></system>
                <interfaces xmlns="urn:example:other"><interface><name>ppp0</name><mtu>1454</mtu></interface></interfaces>
                """,
            summary: ["+ interfaces/interface[name='ppp0']/mtu: 1454"],
            edit: "<interfaces \(nxrAttr)><interface><name>ppp0</name><mtu>1454</mtu></interface></interfaces>",
            untouched: ["urn:example:other"]),
        Case(
            name: "an empty element asks for presence only and never empties the device's node",
            baseline: config(
                """
                <interfaces \(nxrAttr)>
                  <interface><name>ppp0</name><ipv4><negotiated/></ipv4></interface>
                  <interface><name>ethernet0</name><ipv4/></interface>
                </interfaces>
                """),
            observed: """
                <interfaces \(nxrAttr)>
                  <interface><name>ppp0</name></interface>
                  <interface><name>ethernet0</name><ipv4><address><ip>192.168.10.1</ip><prefix-length>24</prefix-length></address></ipv4></interface>
                </interfaces>
                """,
            summary: ["+ interfaces/interface[name='ppp0']/ipv4/negotiated"],
            edit: "<interfaces \(nxrAttr)><interface><name>ppp0</name><ipv4><negotiated/></ipv4></interface></interfaces>",
            untouched: ["192.168.10.1"]),
        Case(
            name: "list entries match by id and ip keys too; nested entries are merged by key",
            baseline: config(
                """
                <crp \(nxrAttr)><client><id>2</id><server-port>10625</server-port></client></crp>
                <interfaces \(nxrAttr)><interface><name>ethernet0</name><ipv4>
                  <address><ip>192.168.20.1</ip><prefix-length>24</prefix-length></address>
                </ipv4></interface></interfaces>
                """),
            observed: """
                <crp \(nxrAttr)><client><id>1</id><server-port>10625</server-port></client><client><id>2</id><server-port>9999</server-port></client></crp>
                <interfaces \(nxrAttr)><interface><name>ethernet0</name><ipv4>
                  <address><ip>192.168.10.1</ip><prefix-length>24</prefix-length></address>
                </ipv4></interface></interfaces>
                """,
            summary: [
                "~ crp/client[id='2']/server-port: 9999 → 10625",
                "+ interfaces/interface[name='ethernet0']/ipv4/address[ip='192.168.20.1']/prefix-length: 24",
            ],
            edit: """
                <crp \(nxrAttr)><client><id>2</id><server-port>10625</server-port></client></crp>
                <interfaces \(nxrAttr)><interface><name>ethernet0</name><ipv4>
                  <address><ip>192.168.20.1</ip><prefix-length>24</prefix-length></address>
                </ipv4></interface></interfaces>
                """,
            untouched: ["192.168.10.1", "<id>1</id>"]),
        Case(
            name: "a missing top-level container is added; secrets never appear in the summary",
            baseline: config("<crp \(nxrAttr)><customer-id>century</customer-id><secret>s3cret-value</secret></crp>"),
            observed: "<system \(nxrAttr)><hostname>ebisu</hostname></system>",
            summary: ["+ crp/customer-id: \"century\"", "+ crp/secret: ********"],
            edit: "<crp \(nxrAttr)><customer-id>century</customer-id><secret>s3cret-value</secret></crp>",
            untouched: ["ebisu"]),
        Case(
            name: "a bare fragment of top-level elements is a baseline too",
            baseline: """
                <?xml version="1.0" encoding="UTF-8"?>
                <system \(nxrAttr)><hostname>ebisu</hostname></system>
                <crp \(nxrAttr)><secret>new</secret></crp>
                """,
            observed: """
                <system \(nxrAttr)><hostname>ebisu</hostname></system>
                <crp \(nxrAttr)><secret>old</secret></crp>
                """,
            summary: ["~ crp/secret: ******** → ********"],
            edit: "<crp \(nxrAttr)><secret>new</secret></crp>"),
    ]

    @Test("change(observed:) plans only the differing leaves", arguments: cases)
    func change(_ row: Case) throws {
        let part = try Self.baseline(row.baseline)
        let observed = try Self.fragment(row.observed)
        let change = part.change(observed: observed)
        guard let summary = row.summary else {
            #expect(change == nil)
            return
        }
        let planned = try #require(change)
        #expect(planned.part == "baseline")
        #expect(planned.summary == summary)
        #expect(planned.edit == (try Self.fragment(row.edit)))
    }

    @Test("applying the edit with nxr-sim's engine verifies: the read-back has nothing left to change", arguments: cases)
    func verifyAfterApply(_ row: Case) throws {
        let part = try Self.baseline(row.baseline)
        let observed = try Self.fragment(row.observed)
        let edit = part.change(observed: observed)?.edit ?? []
        let (running, errors) = Self.applied(edit, to: observed)
        #expect(errors.isEmpty, "nxr-sim refused the edit: \(errors)")
        let readBack = SubtreeFilter.apply(part.readFilter, to: running)
        #expect(part.change(observed: readBack) == nil)
        let text = XML.serialize(running)
        for kept in row.untouched {
            #expect(text.contains(kept), "\(kept) was lost: \(text)")
        }
        if row.summary != nil {
            // The test proves something only if the device was out of sync before.
            #expect(part.change(observed: observed) != nil)
        }
    }

    @Test("readFilter selects the baseline's top-level containers, whole")
    func readFilter() throws {
        let part = try Self.baseline(Self.cases[4].baseline)
        #expect(part.readFilter == [XMLElement("netconf-server", namespace: Self.nxr), XMLElement("ipsec", namespace: Self.nxr)])
    }

    struct Refusal: CustomTestStringConvertible, Sendable {
        var name: String
        var xml: String
        /// Words the message must contain.
        var says: [String]
        var line: Int? = nil
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(
            name: "a DOCTYPE (billion laughs)",
            xml: """
                <?xml version="1.0"?>
                <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
                <config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><system xmlns="urn:cms:nxr:1.0"><hostname>&lol2;</hostname></system></config>
                """,
            says: ["DOCTYPE"]),
        Refusal(
            name: "an external entity (XXE)",
            xml: """
                <!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>
                <system xmlns="urn:cms:nxr:1.0"><hostname>&x;</hostname></system>
                """,
            says: ["DOCTYPE"]),
        Refusal(
            name: "a file over 1 MiB",
            xml: "<system xmlns=\"urn:cms:nxr:1.0\"><hostname>" + String(repeating: "a", count: 1 << 20)
                + "</hostname></system>",
            says: ["bytes", "limit"]),
        Refusal(
            name: "broken XML, with its line",
            xml: "<config xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n<system xmlns=\"urn:cms:nxr:1.0\">\n<hostname>x</host>\n</system></config>",
            says: ["cannot read the baseline"], line: 3),
        Refusal(
            name: "an invented namespace (the old example)",
            xml: "<config xmlns=\"urn:cms:nxr:config:1\"><system><telnet-server enabled=\"false\"/></system></config>",
            says: ["urn:cms:nxr:config:1", "urn:cms:nxr:1.0"]),
        Refusal(
            name: "a container the model does not have",
            xml: config("<routing \(nxrAttr)><static/></routing>"),
            says: ["<routing>", "<system>"]),
        Refusal(
            name: "a node of another namespace inside NXR configuration",
            xml: config("<system \(nxrAttr)><hostname xmlns=\"urn:x\">a</hostname></system>"),
            says: ["system/hostname", "urn:x"]),
        Refusal(
            name: "a cms- IKE policy (the IPsec part owns those)",
            xml: config("<ipsec \(nxrAttr)><ike-policy><name>cms-mesh-a</name><lifetime>10800</lifetime></ike-policy></ipsec>"),
            says: ["ike-policy[name='cms-mesh-a']", "managed by cms"]),
        Refusal(
            name: "a cms- IPsec policy",
            xml: config("<ipsec \(nxrAttr)><ipsec-policy><name> cms-x </name></ipsec-policy></ipsec>"),
            says: ["ipsec-policy[name='cms-x']", "managed by cms"]),
        Refusal(
            name: "a NETCONF operation attribute",
            xml: config(
                "<system \(nxrAttr)><hostname xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\" nc:operation=\"delete\"/></system>"),
            says: ["system/hostname", "operation"]),
        Refusal(
            name: "read-only state",
            xml: config("<system \(nxrAttr)><state><serial>01234567890</serial></state></system>"),
            says: ["system/state", "read-only"]),
        Refusal(
            name: "a list entry written twice",
            xml: config(
                "<interfaces \(nxrAttr)><interface><name>ppp0</name></interface><interface><name>ppp0</name></interface></interfaces>"),
            says: ["interfaces/interface[name='ppp0']", "twice"]),
        Refusal(
            name: "text mixed with elements",
            xml: config("<system \(nxrAttr)>oops<hostname>a</hostname></system>"),
            says: ["system", "both text and elements"]),
        Refusal(
            name: "an empty config",
            xml: config(""),
            says: ["empty"]),
    ]

    @Test("hostile or out-of-model baselines are refused with a PlanError naming the file", arguments: refusals)
    func refused(_ row: Refusal) {
        do throws(PlanError) {
            _ = try Self.baseline(row.xml)
            Issue.record("accepted \(row.name)")
        } catch {
            #expect(error.file == Self.file)
            #expect(error.description.hasPrefix(Self.file + ":"))
            for word in row.says {
                #expect(error.message.contains(word), "\(error.message) does not say \(word)")
            }
            if let line = row.line { #expect(error.line == line) }
        }
    }

    @Test("parts(for:files:) makes one part per enforced xml file and names a missing one")
    func partsForDevice() throws {
        let device = Device(
            code: "ebisu", product: .nxr120,
            configs: [
                ConfigFileRef(file: "nxr.config", type: .showConfig),
                ConfigFileRef(file: "baseline.xml", type: .xml, enforce: true),
                ConfigFileRef(file: "prev.xml", type: .xml),
            ])
        let xml = Array(Self.config("<system \(Self.nxrAttr)><hostname>ebisu</hostname></system>").utf8)
        let parts = try BaselinePart.parts(for: device, files: ["configs/ebisu/baseline.xml": xml])
        #expect(parts.map(\.file) == ["configs/ebisu/baseline.xml"])
        #expect(parts.map(\.id) == ["baseline"])
        #expect(throws: PlanError.self) { try BaselinePart.parts(for: device, files: [:]) }
        do throws(PlanError) {
            _ = try BaselinePart.parts(for: device, files: ["configs/ebisu/prev.xml": xml])
            Issue.record("a missing enforced file was not reported")
        } catch {
            #expect(error.file == "configs/ebisu/baseline.xml")
            #expect(error.message.contains("ebisu"))
        }
        let hostile = Array("<!DOCTYPE x [<!ENTITY a \"b\">]><system/>".utf8)
        #expect(throws: PlanError.self) {
            try BaselinePart.parts(for: device, files: ["configs/ebisu/baseline.xml": hostile])
        }
        let plain = Device(code: "a1", product: .nxr120, configs: [ConfigFileRef(file: "a.xml", type: .xml)])
        #expect(try BaselinePart.parts(for: plain, files: [:]).isEmpty)
    }
}
