import CMSModel
import CMSPlan
import Foundation
import NETCONF
import NXRModel
import TestSupport
import Testing

/// One read filter for all parts, one change set per device, the edit as text; and the example tenant's
/// baseline is valid NXR configuration by yanglint.
@Suite("Device planner")
struct DevicePlannerTests {
    static let nxr = NXRNamespace.uri

    /// A part with a fixed filter and change, to see how the planner combines parts.
    struct FixedPart: ManagedPart {
        var id: String
        var readFilter: [XMLElement]
        var result: PartChange?
        func change(observed: [XMLElement]) -> PartChange? { result }
    }

    static func filterNode(_ name: String, _ children: [String] = []) -> XMLElement {
        XMLElement(name, namespace: nxr, elements: children.map { XMLElement($0, namespace: nxr) })
    }

    struct FilterCase: CustomTestStringConvertible, Sendable {
        var name: String
        var parts: [[XMLElement]]
        var merged: [XMLElement]
        var testDescription: String { name }
    }

    static let filterCases: [FilterCase] = [
        FilterCase(name: "no parts read nothing", parts: [], merged: []),
        FilterCase(
            name: "distinct containers are all read, in first-seen order",
            parts: [[filterNode("system")], [filterNode("ipsec", ["ike-policy"]), filterNode("crp")]],
            merged: [filterNode("system"), filterNode("ipsec", ["ike-policy"]), filterNode("crp")]),
        FilterCase(
            name: "identical filters of one container are read once",
            parts: [[filterNode("ipsec", ["ike-policy"])], [filterNode("ipsec", ["ike-policy"])]],
            merged: [filterNode("ipsec", ["ike-policy"])]),
        FilterCase(
            name: "different filters of one container read the whole container",
            parts: [[filterNode("ipsec", ["ike-policy", "ipsec-policy"])], [filterNode("ipsec")]],
            merged: [filterNode("ipsec")]),
        FilterCase(
            name: "two narrow filters of one container read the whole container",
            parts: [[filterNode("ipsec", ["ike-policy"])], [filterNode("ipsec", ["ipsec-policy"])], [filterNode("system")]],
            merged: [filterNode("ipsec"), filterNode("system")]),
    ]

    @Test("readFilter merges the parts' filters into one get-config", arguments: filterCases)
    func readFilter(_ row: FilterCase) {
        let parts: [any ManagedPart] = row.parts.enumerated().map { index, filter in
            FixedPart(id: "p\(index)", readFilter: filter, result: nil)
        }
        #expect(DevicePlanner.readFilter(parts) == row.merged)
    }

    @Test("plan keeps the changes of the parts that change, in part order")
    func planRunsEveryPart() throws {
        let hostname = XMLElement("system", namespace: Self.nxr, elements: [XMLElement("hostname", namespace: Self.nxr, text: "b")])
        let baseline = try BaselinePart(
            file: "configs/a1/base.xml",
            xml: Array("<system xmlns=\"\(Self.nxr)\"><hostname>b</hostname></system>".utf8))
        let ipsec = FixedPart(
            id: "ipsec", readFilter: [Self.filterNode("ipsec")],
            result: PartChange(part: "ipsec", summary: ["+ ipsec-policy cms-g-b"], edit: [Self.filterNode("ipsec")]))
        let quiet = FixedPart(id: "quiet", readFilter: [], result: nil)
        let observed = [XMLElement("system", namespace: Self.nxr, elements: [XMLElement("hostname", namespace: Self.nxr, text: "a")])]

        let plan = DevicePlanner.plan(device: "a1", parts: [quiet, baseline, ipsec], observed: observed)
        #expect(plan.device == "a1")
        #expect(plan.parts == ["baseline", "ipsec"])
        #expect(plan.changes[0].summary == ["~ system/hostname: \"a\" → \"b\""])
        #expect(plan.edit == [hostname, Self.filterNode("ipsec")])

        let inSync = DevicePlanner.plan(device: "a1", parts: [baseline, quiet], observed: [hostname])
        #expect(inSync.isEmpty)
    }

    @Test("nativeText is the indented <config> payload, secrets masked")
    func nativeText() throws {
        let edit = [
            XMLElement("system", namespace: Self.nxr, elements: [XMLElement("hostname", namespace: Self.nxr, text: "ebisu")]),
            XMLElement(
                "crp", namespace: Self.nxr,
                elements: [
                    XMLElement("customer-id", namespace: Self.nxr, text: "century"),
                    XMLElement("secret", namespace: Self.nxr, text: "do-not-show"),
                ]),
        ]
        let text = DevicePlanner.nativeText(edit)
        #expect(
            text == """
                <config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
                  <system xmlns="urn:cms:nxr:1.0">
                    <hostname>ebisu</hostname>
                  </system>
                  <crp xmlns="urn:cms:nxr:1.0">
                    <customer-id>century</customer-id>
                    <secret>********</secret>
                  </crp>
                </config>

                """)
        #expect(!text.contains("do-not-show"))
        // The text reads back as the same configuration (apart from the mask).
        let reparsed = try XML.parse(text)
        #expect(reparsed.elements.first == edit.first)
    }

    // MARK: The example tenant's baseline

    static let exampleBaseline = "configs/ebisu/baseline.xml"

    /// yanglint `-t edit` (the content of an `<edit-config>`, which a baseline is) on the baseline's elements.
    static func yanglintEdit(_ part: BaselinePart) throws -> (status: Int32, output: String) {
        let yanglint = ["/usr/bin/yanglint", "/usr/local/bin/yanglint"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        guard let yanglint else {
            Issue.record("yanglint not found: install Debian libyang2-tools (scripts/setup.sh)")
            return (-1, "")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baseline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fragment = part.desired.map { XML.serialize($0, pretty: true) }.joined()
        let path = folder.appendingPathComponent("baseline.xml").path
        try Data(fragment.utf8).write(to: URL(fileURLWithPath: path))
        let module = Support.root.appendingPathComponent("schemas/nxr.yang").path
        let run = try runProcess(yanglint, ["-t", "edit", module, path])
        return (run.status, run.stdout + run.stderr)
    }

    @Test("the example tenant's baseline is NXR configuration that yanglint accepts")
    func exampleBaselineValidates() throws {
        let bytes = try Data(
            contentsOf: Support.root.appendingPathComponent("examples/tenant-repo/" + Self.exampleBaseline))
        let part = try BaselinePart(file: Self.exampleBaseline, xml: Array(bytes))
        #expect(!part.desired.isEmpty)
        let run = try Self.yanglintEdit(part)
        #expect(run.status == 0 && run.output.isEmpty, "yanglint: \(run.output)")

        // The same check fails for a value outside the model, so a passing run means something.
        let broken = try BaselinePart(
            file: "x.xml",
            xml: Array(
                String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "<mtu>1454</mtu>", with: "<mtu>70000</mtu>")
                    .utf8))
        let refused = try Self.yanglintEdit(broken)
        #expect(refused.status != 0)
        #expect(refused.output.contains("mtu"))
    }

    @Test("the example tenant enforces that baseline on ebisu")
    func exampleDeviceEnforcesIt() throws {
        let snapshot = try Support.exampleSnapshot()
        let ebisu = try #require(snapshot.devices.first { $0.code == "ebisu" })
        let bytes = try Data(
            contentsOf: Support.root.appendingPathComponent("examples/tenant-repo/" + Self.exampleBaseline))
        let parts = try BaselinePart.parts(for: ebisu, files: [Self.exampleBaseline: Array(bytes)])
        #expect(parts.map(\.file) == [Self.exampleBaseline])
        // A factory-fresh device (hostname "nxr", nothing else) needs every leaf of it.
        let change = try #require(
            parts[0].change(observed: [
                XMLElement("system", namespace: Self.nxr, elements: [XMLElement("hostname", namespace: Self.nxr, text: "nxr")])
            ]))
        #expect(change.summary.first == "~ system/hostname: \"nxr\" → \"ebisu\"")
        #expect(change.summary.contains("+ interfaces/interface[name='ppp0']/mtu: 1454"))
        #expect(change.summary.contains("+ netconf-server/lock-timeout: 120"))
    }

    @Test("docs/managed-parts.md shows the example baseline verbatim and the plan it really gets")
    func documentedExample() throws {
        let doc = try String(
            contentsOf: Support.root.appendingPathComponent("docs/managed-parts.md"), encoding: .utf8)
        let file = try String(
            contentsOf: Support.root.appendingPathComponent("examples/tenant-repo/" + Self.exampleBaseline),
            encoding: .utf8)
        let start = try #require(file.range(of: "<config "))
        let body = String(file[start.lowerBound...])
        #expect(doc.contains("```xml\n" + body + "```\n"), "the doc's baseline is not the example file")

        let part = try BaselinePart(file: Self.exampleBaseline, xml: Array(file.utf8))
        let observed = try XML.parse(
            """
            <data xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
              <system xmlns="urn:cms:nxr:1.0"><hostname>nxr</hostname></system>
              <interfaces xmlns="urn:cms:nxr:1.0">
                <interface><name>ethernet0</name></interface>
                <interface><name>ppp0</name><description>pppoe</description><mtu>1500</mtu></interface>
              </interfaces>
              <netconf-server xmlns="urn:cms:nxr:1.0"><lock-timeout>120</lock-timeout></netconf-server>
            </data>
            """
        ).elements
        let summary = try #require(part.change(observed: observed)).summary
        #expect(summary.count == 3)
        let block = "  ```\n" + summary.map { "  " + $0 + "\n" }.joined() + "  ```\n"
        #expect(doc.contains(block), "the doc's plan is not \(summary)")
    }
}
