import Foundation
import NETCONF
import Testing
@testable import NXRSim

/// The simulator refuses what a real NXR refuses: every edit and every commit is validated against
/// `schemas/nxr.yang` with libyang (``YANGValidator``), and the answer is a router's `rpc-error`.
@Suite struct YANGValidationTests {
    typealias H = EngineHarness
    static let ns = SimModel.namespace
    static let base = NETCONFNamespace.base

    func badElement(_ error: RPCError) -> String? {
        error.info.first { $0.name == "bad-element" }?.text
    }

    /// An interface edit of ethernet0 with `body` inside the entry.
    static func interface(_ body: String, name: String = "ethernet0") -> String {
        "<interfaces xmlns=\"\(ns)\"><interface><name>\(name)</name>\(body)</interface></interfaces>"
    }

    @Test func theEmbeddedModuleIsSchemasNxrYang() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../schemas/nxr.yang").standardizedFileURL
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(
            NXRYangModule.text + "\n" == text,
            "Sources/NXRSim/Validation/NXRYangModule.swift is stale: run scripts/embed-yang.sh")
        #expect(YANGValidator.shared.unavailable == nil)
    }

    @Test func anUnknownElementIsRefusedAndNothingChanges() throws {
        var harness = try H()
        let (session, _) = try harness.open()
        let before = harness.engine.candidate
        let reply = try #require(
            try harness.rpc(session, H.edit("candidate", "<nonsense xmlns=\"\(Self.ns)\"/>")))
        let error = try #require(reply.errors.first)
        #expect(error.tag == "unknown-element")
        #expect(error.type == "application")
        #expect(error.path == "/nxr:nonsense")
        #expect(error.pathNamespaces == ["nxr": Self.ns])
        #expect(self.badElement(error) == "nonsense")
        #expect(harness.engine.candidate == before)
        // Nor can it reach running by commit, or be written to running directly.
        #expect(try harness.rpc(session, "<commit/>")?.ok == true)
        #expect(harness.engine.running.child("nonsense", namespace: Self.ns) == nil)
        let direct = try harness.rpc(session, H.edit("running", "<nonsense xmlns=\"\(Self.ns)\"/>"))
        #expect(direct?.errors.first?.tag == "unknown-element")
    }

    @Test func anUnknownNestedElementIsNamedByItsPath() throws {
        var harness = try H()
        let (session, _) = try harness.open()
        let reply = try harness.rpc(session, H.edit("candidate", Self.interface("<speed>fast</speed>")))
        let error = try #require(reply?.errors.first)
        #expect(error.tag == "unknown-element")
        #expect(error.path == "/nxr:interfaces/nxr:interface[nxr:name='ethernet0']/nxr:speed")
        #expect(self.badElement(error) == "speed")
    }

    @Test func aForeignNamespaceIsUnknown() throws {
        var harness = try H()
        let (session, _) = try harness.open()
        let reply = try harness.rpc(session, H.edit("candidate", "<system xmlns=\"urn:example:other\"/>"))
        let error = try #require(reply?.errors.first)
        #expect(error.tag == "unknown-namespace")
        #expect(error.info.first { $0.name == "bad-namespace" }?.text == "urn:example:other")
    }

    /// Values outside their type, range or pattern: (edit, the error-path libyang names).
    static let invalidValues: [(String, String)] = [
        (interface("<mtu>99999</mtu>"), "/nxr:interfaces/nxr:interface[nxr:name='ethernet0']/nxr:mtu"),
        (interface("<mtu>67</mtu>"), "/nxr:interfaces/nxr:interface[nxr:name='ethernet0']/nxr:mtu"),
        (interface("<enabled>maybe</enabled>"), "/nxr:interfaces/nxr:interface[nxr:name='ethernet0']/nxr:enabled"),
        (interface("", name: "eth0"), "/nxr:interfaces/nxr:interface/nxr:name"),
        ("<system xmlns=\"\(ns)\"><hostname>a b</hostname></system>", "/nxr:system/nxr:hostname"),
        (
            interface("<ipv4><address><ip>10.0.0.300</ip><prefix-length>24</prefix-length></address></ipv4>"),
            "/nxr:interfaces/nxr:interface[nxr:name='ethernet0']/nxr:ipv4/nxr:address/nxr:ip"
        ),
    ]

    @Test(arguments: invalidValues)
    func anInvalidValueIsRefused(edit: String, path: String) throws {
        var harness = try H()
        let (session, _) = try harness.open()
        let before = harness.engine.candidate
        let reply = try harness.rpc(session, H.edit("candidate", edit))
        let error = try #require(reply?.errors.first)
        #expect(error.tag == "invalid-value")
        #expect(error.path == path)
        #expect(harness.engine.candidate == before)
    }

    @Test func aMissingMandatoryLeafFailsTheCommitNotTheEdit() throws {
        var harness = try H()
        let (session, _) = try harness.open()
        let partial = Self.interface("<ipv4><address><ip>10.1.1.1</ip></address></ipv4>", name: "ethernet2")
        #expect(try harness.rpc(session, H.edit("candidate", partial))?.ok == true, "an edit may be partial")
        let runningBefore = harness.engine.running
        for rpc in ["<validate><source><candidate/></source></validate>", "<commit/>"] {
            let error = try #require(try harness.rpc(session, rpc)?.errors.first, "\(rpc)")
            #expect(error.tag == "missing-element")
            #expect(self.badElement(error) == "prefix-length")
            #expect(error.path == "/nxr:interfaces/nxr:interface/nxr:ipv4/nxr:address")
        }
        #expect(harness.engine.running == runningBefore)
        // On running (no commit to come) the whole result is checked at once, and nothing is applied.
        #expect(try harness.rpc(session, "<discard-changes/>")?.ok == true)
        let direct = try harness.rpc(session, H.edit("running", partial))
        #expect(direct?.errors.first?.tag == "missing-element")
        #expect(harness.engine.running == runningBefore)
    }

    @Test func aReferenceToNothingIsDataMissing() throws {
        var harness = try H()
        let (session, _) = try harness.open()
        let policy = """
            <ipsec xmlns="\(Self.ns)"><ipsec-policy><name>p1</name><ike-policy>nope</ike-policy></ipsec-policy></ipsec>
            """
        _ = try harness.rpc(session, H.edit("candidate", policy))
        let errors = try #require(try harness.rpc(session, "<commit/>")?.errors)
        let reference = try #require(errors.first { $0.appTag == "instance-required" }, "\(errors)")
        #expect(reference.tag == "data-missing")
        #expect(reference.path?.hasSuffix("nxr:ipsec-policy[nxr:name='p1']/nxr:ike-policy") == true)
    }

    @Test func validEditsAreCommittedAndDeletesNeedNoValues() throws {
        var harness = try H()
        let (session, _) = try harness.open()
        let edit = "<system xmlns=\"\(Self.ns)\"><hostname>nxr-2</hostname></system>" + Self.interface("<mtu>1400</mtu>")
        #expect(try harness.rpc(session, H.edit("candidate", edit))?.ok == true)
        #expect(try harness.rpc(session, "<commit/>")?.ok == true)
        #expect(harness.hostname(harness.engine.running) == "nxr-2")
        let mtu = harness.engine.running.child("interfaces", namespace: Self.ns)?.children("interface").first?
            .child("mtu")?.text
        #expect(mtu == "1400")
        let deletes = """
            <interfaces xmlns="\(Self.ns)" xmlns:nc="\(Self.base)"><interface><name>ethernet0</name>\
            <mtu nc:operation="delete"/></interface><interface nc:operation="remove"><name>ethernet1</name>\
            </interface></interfaces>
            """
        #expect(try harness.rpc(session, H.edit("candidate", deletes))?.ok == true)
        #expect(try harness.rpc(session, "<commit/>")?.ok == true)
        let interfaces = harness.engine.running.child("interfaces", namespace: Self.ns)?.children("interface") ?? []
        #expect(interfaces.map { $0.child("name")?.text } == ["ethernet0"])
        #expect(interfaces.first?.child("mtu") == nil)
    }

    @Test func theFactoryConfigOfEveryProductValidates() throws {
        for product in ["NXR-120", "NXR-1200"] {
            let identity = DeviceIdentity(
                deviceCode: "tokyo1", tenant: "century", product: product, serial: "01234567890",
                hostname: "nxr-tokyo1", firmwareVersion: "21.7.3")
            let config = SimModel.defaultConfig(
                identity: identity, address: "127.0.0.2", port: 830, crpServer: "127.0.0.1:10625")
            #expect(YANGValidator.shared.validate(datastore: config) == [], "\(product)")
        }
    }

    @Test func pathsAreQualifiedForErrorPath() {
        #expect(YANGValidator.qualified("/nxr:a/b[name='x/y']/c") == "/nxr:a/nxr:b[nxr:name='x/y']/nxr:c")
        #expect(YANGValidator.parentPath("/nxr:a/b[name='x/y']/c") == "/nxr:a/b[name='x/y']")
        #expect(YANGValidator.parentPath("/nxr:a") == "/")
    }

    @Test func aModuleThatDoesNotCompileRefusesEverythingClearly() {
        let broken = YANGValidator(module: "module broken { nonsense; }")
        #expect(broken.unavailable != nil)
        let errors = broken.validate(datastore: ConfigTree.emptyRoot())
        #expect(errors.first?.tag == "operation-failed")
        #expect(errors.first?.message?.contains("cannot validate") == true)
    }

    @Test func concurrentValidationsShareOneContextSafely() async {
        let good = Self.interface("<mtu>1500</mtu>")
        let bad = Self.interface("<mtu>1</mtu>")
        let results = await withTaskGroup(of: (Bool, Int).self) { group in
            for index in 0..<64 {
                group.addTask {
                    let text = "<config xmlns=\"\(Self.base)\">\(index.isMultiple(of: 2) ? good : bad)</config>"
                    let elements = (try? XML.parse(text))?.elements ?? []
                    return (index.isMultiple(of: 2), YANGValidator.shared.validate(edit: elements).count)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 64)
        #expect(results.allSatisfy { $0.0 ? $0.1 == 0 : $0.1 == 1 })
    }
}
