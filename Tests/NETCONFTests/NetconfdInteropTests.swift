import Testing
@testable import NETCONF

/// Our framing and messages against yuma123 `netconfd` (Debian `netconfd`), a peer we did not write.
/// CI installs netconfd (scripts/setup.sh); the suite is disabled only where the binaries are truly absent.
@Suite(
    "Interop with yuma123 netconfd",
    .enabled(
        if: NetconfdServer.available,
        "netconfd / netconf-subsystem not installed: run scripts/setup.sh"))
struct NetconfdInteropTests {
    let x = "urn:cms:test:x"

    @Test func netconfdsHelloParsesAndBothSidesNegotiateChunkedFraming() throws {
        let server = try NetconfdServer()
        defer { server.stop() }
        let session = try server.connect()
        defer { session.close() }
        let hello = try session.hello()
        #expect(hello.sessionID != nil)
        for capability in [
            Capability.base10, Capability.base11, Capability.candidate, Capability.confirmedCommit11,
            Capability.rollbackOnError, Capability.validate11, Capability.notification,
            Capability.withDefaults, Capability.url,
        ] {
            #expect(hello.has(capability), "\(capability)")
        }
        #expect(hello.capability(Capability.withDefaults).map(Capability.parameters)?["basic-mode"] != nil)
        #expect(session.mode == .chunked)
        let reply = try session.rpc("1", Operation.getConfig(source: .running))
        #expect(reply.messageID == "1")
        #expect(reply.data != nil)
        #expect(reply.errors.isEmpty)
        let withDefaults = try session.rpc("2", Operation.getConfig(source: .running, withDefaults: .reportAll))
        #expect(withDefaults.errors.isEmpty, "\(withDefaults.errors)")
        #expect(withDefaults.data != nil)
    }

    @Test func anOutOfRangeValueSurfacesEveryRPCErrorField() throws {
        let server = try NetconfdServer()
        defer { server.stop() }
        let session = try server.connect()
        defer { session.close() }
        _ = try session.hello()
        let config = XMLElement("top", namespace: x, elements: [XMLElement("mtu", namespace: x, text: "25000")])
        let reply = try session.rpc("7", Operation.editConfig(target: .candidate, config: config), maxChunk: 7)
        #expect(reply.messageID == "7")
        #expect(!reply.ok && !reply.succeeded)
        let error = try #require(reply.errors.first)
        #expect(error.tag == "invalid-value")
        #expect(error.severity == "error")
        #expect(!error.type.isEmpty)
        #expect(error.appTag == "not-in-range")
        let path = try #require(error.path)
        #expect(path.hasSuffix(":mtu"))
        // The path's prefixes resolve through the declarations netconfd put on <rpc-reply>.
        let prefix = String(path.split(separator: "/").last!.split(separator: ":").first!)
        #expect(error.pathNamespaces[prefix] == x)
        #expect(error.message?.isEmpty == false)
        #expect(error.infoText("bad-value") == "25000")
    }

    @Test func anEditOnTheCandidateIsCommittedAndReadBack() throws {
        let server = try NetconfdServer()
        defer { server.stop() }
        let session = try server.connect()
        defer { session.close() }
        _ = try session.hello()
        #expect(try session.rpc("1", Operation.lock(.candidate)).ok)
        let config = XMLElement(
            "top", namespace: x,
            elements: [
                XMLElement("name", namespace: x, text: "edge & <core>"), XMLElement("mtu", namespace: x, text: "1400"),
            ])
        #expect(
            try session.rpc(
                "2",
                Operation.editConfig(
                    target: .candidate, config: config,
                    defaultOperation: .merge, errorOption: .rollbackOnError)
            ).ok)
        #expect(try session.rpc("3", Operation.commit()).ok)
        #expect(try session.rpc("4", Operation.unlock(.candidate)).ok)
        let reply = try session.rpc(
            "5",
            Operation.getConfig(
                source: .running,
                filter: .subtree(XMLElement("top", namespace: x))))
        let top = try #require(reply.data?.child("top", namespace: x))
        #expect(top.childText("mtu", namespace: x) == "1400")
        #expect(top.child("name", namespace: x)?.text == "edge & <core>")
        // yuma123 resolves XPath prefixes by YANG module prefix, not by the xmlns declarations: use `x`.
        let xpath = try session.rpc(
            "6",
            Operation.getConfig(
                source: .running,
                filter: .xpath("/x:top/x:mtu", namespaces: ["x": x])))
        #expect(xpath.errors.isEmpty, "\(xpath.errors)")
        #expect(xpath.data?.child("top", namespace: x)?.childText("mtu", namespace: x) == "1400")
        #expect(try session.rpc("7", Operation.closeSession()).ok)
    }

    @Test func aSecondSessionIsDeniedTheLockWithTheHoldersSessionID() throws {
        let server = try NetconfdServer()
        defer { server.stop() }
        let first = try server.connect()
        defer { first.close() }
        let holder = try #require(try first.hello().sessionID)
        let second = try server.connect()
        defer { second.close() }
        _ = try second.hello()
        #expect(try first.rpc("1", Operation.lock(.running)).ok)
        let denied = try second.rpc("1", Operation.lock(.running))
        let error = try #require(denied.errors.first)
        #expect(error.tag == "lock-denied")
        #expect(error.infoText("session-id") == String(holder))
    }

    @Test func aBase10OnlyClientKeepsEndOfMessageFraming() throws {
        let server = try NetconfdServer()
        defer { server.stop() }
        let session = try server.connect()
        defer { session.close() }
        _ = try session.hello([Capability.base10])
        #expect(session.mode == .endOfMessage)
        let reply = try session.rpc("42", Operation.get(filter: .subtree(XMLElement("top", namespace: x))))
        #expect(reply.messageID == "42")
        #expect(reply.data != nil)
    }
}
