import Testing
@testable import NETCONF

@Suite("RFC 6241 messages")
struct MessageTests {
    let base = NETCONFNamespace.base

    @Test func aPrefixedHelloAsNcclientSendsItParses() throws {
        let hello = try Hello.parse(
            bytes(
                """
                <?xml version="1.0" encoding="UTF-8"?><nc:hello xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0">\
                <nc:capabilities><nc:capability>urn:ietf:params:netconf:base:1.0</nc:capability>
                <nc:capability>
                  urn:ietf:params:netconf:base:1.1
                </nc:capability>\
                <nc:capability>urn:ietf:params:netconf:capability:with-defaults:1.0?basic-mode=explicit&amp;also-supported=report-all</nc:capability>\
                </nc:capabilities></nc:hello>
                """))
        #expect(hello.sessionID == nil)
        #expect(hello.capabilities.count == 3)
        #expect(hello.has(Capability.base10))
        #expect(hello.has(Capability.base11))
        #expect(hello.has(Capability.withDefaults))
        #expect(hello.has(Capability.withDefaults + "?basic-mode=trim"))
        #expect(!hello.has(Capability.candidate))
        let withDefaults = try #require(hello.capability(Capability.withDefaults))
        #expect(Capability.parameters(withDefaults) == ["basic-mode": "explicit", "also-supported": "report-all"])
    }

    @Test func aHelloRoundTripsWithItsSessionID() throws {
        let hello = Hello(
            capabilities: [
                Capability.base10, Capability.base11, Capability.candidate,
                Capability.confirmedCommit11, Capability.notification,
            ], sessionID: 42)
        #expect(try Hello.parse(hello.serialize()) == hello)
        #expect(String(decoding: hello.serialize(), as: UTF8.self).hasPrefix("<?xml version=\"1.0\""))
    }

    @Test(arguments: [
        ("<hello xmlns=\"urn:wrong\"><capabilities/></hello>", "expected <hello>"),
        ("<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"/>", "no <capabilities>"),
        (
            "<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities/><session-id>x</session-id></hello>",
            "session-id"
        ),
        ("<hello", "not well-formed"),
    ])
    func badHellosAreRefusedWithAReason(document: String, reason: String) {
        let error = #expect(throws: MessageError.self) { _ = try Hello.parse(bytes(document)) }
        #expect(error?.message.contains(reason) == true, "\(String(describing: error))")
    }

    @Test func operationsSerializeAsRFC6241Expects() {
        let ns = " xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\""
        let filter = XMLElement("system", namespace: "urn:x")
        let cases: [(XMLElement, String)] = [
            (Operation.get(), "<get\(ns)/>"),
            (
                Operation.getConfig(source: .running, filter: .subtree(filter)),
                "<get-config\(ns)><source><running/></source><filter type=\"subtree\"><system xmlns=\"urn:x\"/></filter></get-config>"
            ),
            (
                Operation.getConfig(source: .candidate, filter: .xpath("/t:top/t:a", namespaces: ["t": "urn:t"])),
                "<get-config\(ns)><source><candidate/></source><filter xmlns:t=\"urn:t\" type=\"xpath\" select=\"/t:top/t:a\"/></get-config>"
            ),
            (
                Operation.editConfig(
                    target: .candidate, config: filter, defaultOperation: .replace, testOption: .testThenSet,
                    errorOption: .rollbackOnError),
                "<edit-config\(ns)><target><candidate/></target><default-operation>replace</default-operation><test-option>test-then-set</test-option><error-option>rollback-on-error</error-option><config><system xmlns=\"urn:x\"/></config></edit-config>"
            ),
            (
                Operation.editConfig(target: .running, config: XMLElement("config", elements: [filter, filter])),
                "<edit-config\(ns)><target><running/></target><config><system xmlns=\"urn:x\"/><system xmlns=\"urn:x\"/></config></edit-config>"
            ),
            (
                Operation.copyConfig(target: .startup, source: .url("file://a.xml")),
                "<copy-config\(ns)><target><startup/></target><source><url>file://a.xml</url></source></copy-config>"
            ),
            (
                Operation.deleteConfig(target: .startup),
                "<delete-config\(ns)><target><startup/></target></delete-config>"
            ),
            (Operation.lock(.candidate), "<lock\(ns)><target><candidate/></target></lock>"),
            (Operation.unlock(.running), "<unlock\(ns)><target><running/></target></unlock>"),
            (Operation.commit(), "<commit\(ns)/>"),
            (
                Operation.commit(confirmed: true, confirmTimeout: 120, persist: "p1"),
                "<commit\(ns)><confirmed/><confirm-timeout>120</confirm-timeout><persist>p1</persist></commit>"
            ),
            (Operation.commit(persistID: "p1"), "<commit\(ns)><persist-id>p1</persist-id></commit>"),
            (Operation.cancelCommit(), "<cancel-commit\(ns)/>"),
            (
                Operation.cancelCommit(persistID: "p1"),
                "<cancel-commit\(ns)><persist-id>p1</persist-id></cancel-commit>"
            ),
            (Operation.discardChanges(), "<discard-changes\(ns)/>"),
            (Operation.validate(source: .candidate), "<validate\(ns)><source><candidate/></source></validate>"),
            (Operation.closeSession(), "<close-session\(ns)/>"),
            (Operation.killSession(7), "<kill-session\(ns)><session-id>7</session-id></kill-session>"),
            (
                Operation.createSubscription(stream: "NETCONF", filter: .subtree(filter)),
                "<create-subscription xmlns=\"urn:ietf:params:xml:ns:netconf:notification:1.0\"><stream>NETCONF</stream><filter type=\"subtree\"><system xmlns=\"urn:x\"/></filter></create-subscription>"
            ),
        ]
        for (element, expected) in cases {
            #expect(XML.serialize(element) == expected)
        }
    }

    @Test func anRPCEnvelopeIsReadBackByTheServerSide() throws {
        let message = RPC.envelope(messageID: "101", operation: Operation.lock(.candidate))
        #expect(
            String(decoding: message, as: UTF8.self) == """
                <?xml version="1.0" encoding="UTF-8"?><rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" \
                message-id="101"><lock><target><candidate/></target></lock></rpc>
                """)
        let rpc = try IncomingRPC.parse(message)
        #expect(rpc.messageID == "101")
        #expect(rpc.attributes.isEmpty)
        #expect(rpc.operation == Operation.lock(.candidate))
        #expect(rpc.operation.child("target").flatMap(Datastore.init(container:)) == .candidate)
    }

    @Test func anRPCWithoutMessageIDGetsAMissingAttributeError() throws {
        let error = #expect(throws: RPCError.self) {
            _ = try IncomingRPC.parse(bytes("<rpc xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><get/></rpc>"))
        }
        #expect(error?.tag == "missing-attribute")
        #expect(error?.type == "rpc")
        #expect(error?.infoText("bad-attribute") == "message-id")
        #expect(error?.infoText("bad-element") == "rpc")
        let reply = try RPCReply.parse(Reply.errors(messageID: nil, [try #require(error)]))
        guard case .reply(let parsed) = reply else { Issue.record("not a reply"); return }
        #expect(parsed.messageID == nil)
        #expect(parsed.errors == [error])
    }

    @Test(arguments: [
        ("<get/>", "malformed-message"),
        ("<rpc xmlns=\"urn:other\" message-id=\"1\"><get/></rpc>", "malformed-message"),
        ("<rpc xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\" message-id=\"1\"/>", "missing-element"),
        (
            "<rpc xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\" message-id=\"1\"><get/><get/></rpc>",
            "malformed-message"
        ),
        ("<rpc message-id=\"1\"><get/>", "malformed-message"),
        ("<!DOCTYPE rpc><rpc/>", "malformed-message"),
    ])
    func badRPCsBecomeRPCErrorsToSendBack(document: String, tag: String) {
        let error = #expect(throws: RPCError.self) { _ = try IncomingRPC.parse(bytes(document)) }
        #expect(error?.tag == tag)
    }

    @Test func extraRPCAttributesAreEchoedOnTheReply() throws {
        let rpc = try IncomingRPC.parse(
            bytes(
                """
                <rpc message-id="9" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:ex="urn:ex" ex:user-id="fred">\
                <ex:vendor-thing/></rpc>
                """))
        #expect(rpc.attributes == [XMLAttribute(name: "user-id", namespace: "urn:ex", value: "fred")])
        #expect(rpc.operation.matches("vendor-thing", namespace: "urn:ex"))
        guard
            case .reply(let reply) = try RPCReply.parse(Reply.ok(messageID: rpc.messageID, attributes: rpc.attributes))
        else { Issue.record("not a reply"); return }
        #expect(reply.messageID == "9")
        #expect(reply.ok)
        #expect(reply.attributes == rpc.attributes)
    }

    @Test func anRPCErrorWithAllFieldsParses() throws {
        let message = bytes(
            """
            <rpc-reply message-id="101" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:xc="urn:ietf:params:xml:ns:netconf:base:1.0">
              <rpc-error>
                <error-type>application</error-type>
                <error-tag>invalid-value</error-tag>
                <error-severity>error</error-severity>
                <error-app-tag>too-big</error-app-tag>
                <error-path xmlns:t="http://example.com/schema/1.2/config">
                  /t:top/t:interface[t:name="Ethernet0/0"]/t:mtu
                </error-path>
                <error-message xml:lang="en">MTU value 25000 is not within range 256..9192</error-message>
                <error-info><bad-element>mtu</bad-element><session-id>3</session-id></error-info>
              </rpc-error>
              <rpc-error>
                <error-type>protocol</error-type><error-tag>operation-failed</error-tag>
                <error-severity>warning</error-severity>
              </rpc-error>
            </rpc-reply>
            """)
        guard case .reply(let reply) = try RPCReply.parse(message) else { Issue.record("not a reply"); return }
        #expect(reply.messageID == "101")
        #expect(!reply.ok)
        #expect(!reply.succeeded)
        #expect(reply.errors.count == 2)
        let error = reply.errors[0]
        #expect(error.type == "application")
        #expect(error.tag == "invalid-value")
        #expect(error.severity == "error")
        #expect(error.appTag == "too-big")
        #expect(error.path == "/t:top/t:interface[t:name=\"Ethernet0/0\"]/t:mtu")
        #expect(error.pathNamespaces["t"] == "http://example.com/schema/1.2/config")
        #expect(error.message == "MTU value 25000 is not within range 256..9192")
        #expect(error.infoText("bad-element") == "mtu")
        #expect(error.infoText("session-id") == "3")
        #expect(error.description.contains("invalid-value"))
        #expect(reply.errors[1].isWarning)
        // Serialized by the server side, it reads back the same.
        guard case .reply(let echoed) = try RPCReply.parse(Reply.errors(messageID: "101", reply.errors)) else {
            Issue.record("not a reply"); return
        }
        #expect(echoed.errors == reply.errors)
        #expect(echoed.errors[0].pathNamespaces == error.pathNamespaces)
    }

    @Test func okDataAndVendorRepliesParse() throws {
        guard
            case .reply(let ok) = try RPCReply.parse(
                bytes(
                    "<nc:rpc-reply xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\" message-id=\"1\"><nc:ok/></nc:rpc-reply>"
                ))
        else { Issue.record("not a reply"); return }
        #expect(ok.ok && ok.succeeded && ok.data == nil && ok.messageID == "1")

        let content = XMLElement("top", namespace: "urn:t", elements: [XMLElement("a", namespace: "urn:t", text: "1")])
        guard case .reply(let data) = try RPCReply.parse(Reply.data(messageID: "2", [content])) else {
            Issue.record("not a reply"); return
        }
        #expect(!data.ok)
        #expect(data.data?.elements == [content])

        let vendor = XMLElement("show-output", namespace: "urn:vendor", text: "uptime 3 days")
        guard case .reply(let body) = try RPCReply.parse(Reply.body(messageID: "3", [vendor])) else {
            Issue.record("not a reply"); return
        }
        #expect(body.body == [vendor])
        #expect(body.messageID == "3")
    }

    @Test func aNotificationIsDeliveredWithItsEventTime() throws {
        let event = XMLElement(
            "netconf-config-change", namespace: "urn:ietf:params:xml:ns:yang:ietf-netconf-notifications",
            elements: [
                XMLElement(
                    "datastore", namespace: "urn:ietf:params:xml:ns:yang:ietf-netconf-notifications", text: "running")
            ])
        let message = Reply.notification(eventTime: "2026-11-26T23:00:00Z", event)
        guard case .notification(let notification) = try RPCReply.parse(message) else {
            Issue.record("not a notification"); return
        }
        #expect(notification.eventTime == "2026-11-26T23:00:00Z")
        #expect(notification.content == [event])
        #expect(throws: MessageError.self) {
            _ = try RPCReply.parse(bytes("<notification xmlns=\"urn:ietf:params:xml:ns:netconf:notification:1.0\"/>"))
        }
        #expect(throws: MessageError.self) {
            _ = try RPCReply.parse(bytes("<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"/>"))
        }
    }

    @Test func filtersAreReadBackOnTheServerSide() throws {
        let subtree = XMLElement("top", namespace: "urn:t")
        let rpc = try IncomingRPC.parse(
            RPC.envelope(messageID: "1", operation: Operation.get(filter: .subtree(subtree))))
        #expect(rpc.operation.child("filter").flatMap(Filter.init(element:)) == .subtree(subtree))
        let xpath = Filter.xpath("/t:top", namespaces: ["t": "urn:t"])
        let xrpc = try IncomingRPC.parse(RPC.envelope(messageID: "2", operation: Operation.get(filter: xpath)))
        #expect(xrpc.operation.child("filter").flatMap(Filter.init(element:)) == xpath)
    }
}
