import Foundation
import NETCONF
import Testing
@testable import NXRSim

/// get / get-config / edit-config / copy / delete / validate on the engine's datastores.
@Suite struct EngineDatastoreTests {
    typealias H = EngineHarness

    @Test func getReturnsConfigAndStateGetConfigOnlyConfig() throws {
        var harness = try H()
        let (session, _) = try harness.open()
        let all = try harness.rpc(session, "<get/>")
        #expect(all?.data?.child("system", namespace: H.ns)?.child("state")?.child("serial")?.text == "12345678901")
        #expect(all?.data.map(harness.hostname) == "nxr1", "state is merged into the config nodes")
        let config = try harness.rpc(session, "<get-config><source><running/></source></get-config>")
        #expect(config?.data?.child("system", namespace: H.ns)?.child("state") == nil)
        #expect(config?.data.map(harness.hostname) == "nxr1")
    }

    @Test func subtreeFiltersSelectContainAndMatchContent() throws {
        var harness = try H()
        let (session, _) = try harness.open()
        let byName = try harness.rpc(
            session,
            """
            <get-config><source><running/></source><filter type="subtree"><interfaces xmlns="\(H.ns)">\
            <interface><name>ethernet1</name></interface></interfaces></filter></get-config>
            """)
        let interfaces = byName?.data?.child("interfaces", namespace: H.ns)?.children("interface") ?? []
        #expect(interfaces.count == 1)
        #expect(interfaces.first?.child("ipv4")?.child("dhcp") != nil, "a content match selects the whole entry")
        #expect(byName?.data?.child("system", namespace: H.ns) == nil)

        let selection = try harness.rpc(
            session,
            """
            <get-config><source><running/></source><filter type="subtree"><interfaces xmlns="\(H.ns)">\
            <interface><name/></interface></interfaces></filter></get-config>
            """)
        let names = selection?.data?.child("interfaces", namespace: H.ns)?.children("interface") ?? []
        #expect(names.map { $0.elements.map(\.name) } == [["name"], ["name"]])

        let none = try harness.rpc(
            session,
            """
            <get-config><source><running/></source><filter type="subtree"><interfaces xmlns="\(H.ns)">\
            <interface><name>ppp9</name></interface></interfaces></filter></get-config>
            """)
        #expect(none?.data?.elements.isEmpty == true)

        let otherNamespace = try harness.rpc(
            session,
            """
            <get-config><source><running/></source><filter type="subtree"><system xmlns="urn:other"/></filter></get-config>
            """)
        #expect(otherNamespace?.data?.elements.isEmpty == true)

        let xpath = try harness.rpc(
            session, "<get-config><source><running/></source><filter type=\"xpath\" select=\"/\"/></get-config>")
        #expect(xpath?.errors.first?.tag == "bad-attribute")
    }

    @Test func editConfigOperationsFollowRFC6241() throws {
        var harness = try H()
        let (session, _) = try harness.open()
        let create = H.edit(
            "running",
            "<interfaces xmlns=\"\(H.ns)\" xmlns:nc=\"\(NETCONFNamespace.base)\"><interface nc:operation=\"create\"><name>ethernet0</name></interface></interfaces>"
        )
        #expect(try harness.rpc(session, create)?.errors.first?.tag == "data-exists")
        let deleteMissing = H.edit(
            "running",
            "<interfaces xmlns=\"\(H.ns)\" xmlns:nc=\"\(NETCONFNamespace.base)\"><interface nc:operation=\"delete\"><name>ppp0</name></interface></interfaces>"
        )
        let missing = try harness.rpc(session, deleteMissing)
        #expect(missing?.errors.first?.tag == "data-missing")
        #expect(missing?.errors.first?.path == "/interfaces/interface[name='ppp0']")
        let removeMissing = H.edit(
            "running",
            "<interfaces xmlns=\"\(H.ns)\" xmlns:nc=\"\(NETCONFNamespace.base)\"><interface nc:operation=\"remove\"><name>ppp0</name></interface></interfaces>"
        )
        #expect(try harness.rpc(session, removeMissing)?.ok == true)
        let delete = H.edit(
            "running",
            "<interfaces xmlns=\"\(H.ns)\" xmlns:nc=\"\(NETCONFNamespace.base)\"><interface nc:operation=\"delete\"><name>ethernet1</name></interface></interfaces>"
        )
        #expect(try harness.rpc(session, delete)?.ok == true)
        #expect(harness.engine.running.child("interfaces", namespace: H.ns)?.children("interface").count == 1)
        let merge = H.edit(
            "running",
            "<interfaces xmlns=\"\(H.ns)\"><interface><name>ppp0</name><description>pppoe</description></interface></interfaces>"
        )
        #expect(try harness.rpc(session, merge)?.ok == true)
        let replace = H.edit(
            "running",
            "<interfaces xmlns=\"\(H.ns)\" xmlns:nc=\"\(NETCONFNamespace.base)\"><interface nc:operation=\"replace\"><name>ethernet0</name></interface></interfaces>"
        )
        #expect(try harness.rpc(session, replace)?.ok == true)
        let entries = harness.engine.running.child("interfaces", namespace: H.ns)?.children("interface") ?? []
        #expect(entries.map { $0.child("name")?.text } == ["ethernet0", "ppp0"])
        #expect(entries.first?.child("ipv4") == nil, "replace dropped the old address")
        #expect(harness.runningChanges == 3)
        let bad = H.edit(
            "running", "<system xmlns=\"\(H.ns)\" xmlns:nc=\"\(NETCONFNamespace.base)\" nc:operation=\"frob\"/>")
        #expect(try harness.rpc(session, bad)?.errors.first?.tag == "bad-attribute")
    }

    @Test(arguments: [
        ("rollback-on-error", "nxr1", false),
        ("stop-on-error", "changed", false),
        ("continue-on-error", "changed", true),
    ])
    func errorOptionsDecideWhatStays(option: String, hostname: String, ppp1Created: Bool) throws {
        var harness = try H()
        let (session, _) = try harness.open()
        let config = """
            <system xmlns="\(H.ns)"><hostname>changed</hostname></system>\
            <interfaces xmlns="\(H.ns)" xmlns:nc="\(NETCONFNamespace.base)"><interface nc:operation="delete"><name>ethernet9</name></interface>\
            <interface><name>ppp1</name></interface></interfaces>
            """
        let reply = try harness.rpc(
            session, H.edit("running", config, options: "<error-option>\(option)</error-option>"))
        #expect(reply?.errors.first?.tag == "data-missing")
        #expect(harness.hostname(harness.engine.running) == hostname)
        let names = harness.engine.running.child("interfaces", namespace: H.ns)?.children("interface").compactMap {
            $0.child("name")?.text
        }
        #expect(names?.contains("ppp1") == ppp1Created)
    }

    @Test func invalidValuesAndTestOnlyLeaveTheDatastoreAlone() throws {
        var harness = try H()
        let (session, _) = try harness.open()
        let invalid = try harness.rpc(session, H.edit("running", H.setHostname("bad name!")))
        #expect(invalid?.errors.first?.tag == "invalid-value")
        #expect(invalid?.errors.first?.path == "/nxr:system/nxr:hostname")
        #expect(harness.hostname(harness.engine.running) == "nxr1")
        let testOnly = try harness.rpc(
            session, H.edit("running", H.setHostname("good"), options: "<test-option>test-only</test-option>"))
        #expect(testOnly?.ok == true)
        #expect(harness.hostname(harness.engine.running) == "nxr1")
        let badAddress = try harness.rpc(
            session,
            "<validate><source><config><interfaces xmlns=\"\(H.ns)\"><interface><name>ethernet5</name><ipv4><address><ip>300.1.1.1</ip><prefix-length>24</prefix-length></address></ipv4></interface></interfaces></config></source></validate>"
        )
        #expect(badAddress?.errors.first?.tag == "invalid-value")
        #expect(try harness.rpc(session, "<validate><source><candidate/></source></validate>")?.ok == true)
    }

    @Test func defaultOperationNoneOnlyNavigates() throws {
        var harness = try H()
        let (session, _) = try harness.open()
        let none = "<default-operation>none</default-operation>"
        let plain = try harness.rpc(session, H.edit("running", H.setHostname("ignored"), options: none))
        #expect(plain?.ok == true)
        #expect(harness.hostname(harness.engine.running) == "nxr1")
        let nested =
            "<crp xmlns=\"\(H.ns)\" xmlns:nc=\"\(NETCONFNamespace.base)\"><client nc:operation=\"create\"><id>1</id><server-address>127.0.0.1</server-address></client></crp>"
        #expect(try harness.rpc(session, H.edit("running", nested, options: none))?.ok == true)
        #expect(
            harness.engine.running.child("crp", namespace: H.ns)?.child("client")?.child("server-address")?.text
                == "127.0.0.1"
        )
        let replaceAll = try harness.rpc(
            session, H.edit("running", H.setHostname("only"), options: "<default-operation>replace</default-operation>")
        )
        #expect(replaceAll?.ok == true)
        #expect(harness.engine.running.elements.map(\.name) == ["system"])
    }

    @Test func copyAndDeleteConfig() throws {
        var harness = try H()
        let (session, _) = try harness.open()
        _ = try harness.rpc(session, H.edit("running", H.setHostname("saved")))
        #expect(
            try harness.rpc(
                session, "<copy-config><target><startup/></target><source><running/></source></copy-config>")?.ok
                == true)
        #expect(harness.hostname(harness.engine.startup) == "saved")
        #expect(
            try harness.rpc(session, "<delete-config><target><running/></target></delete-config>")?.errors.first?.tag
                == "operation-failed")
        #expect(try harness.rpc(session, "<delete-config><target><startup/></target></delete-config>")?.ok == true)
        #expect(harness.engine.startup.elements.isEmpty)
        let inline =
            "<copy-config><target><candidate/></target><source><config>\(H.setHostname("inline"))</config></source></copy-config>"
        #expect(try harness.rpc(session, inline)?.ok == true)
        #expect(harness.hostname(harness.engine.candidate) == "inline")
        #expect(
            try harness.rpc(
                session, "<copy-config><target><running/></target><source><url>file:///x</url></source></copy-config>")?
                .errors.first?.tag == "operation-not-supported")
    }
}
