import Testing
@testable import NETCONF

@Suite("Session framing")
struct SessionFramingTests {
    let client = Hello(capabilities: [Capability.base10, Capability.base11])
    let server = Hello(capabilities: [Capability.base10, Capability.base11, Capability.candidate], sessionID: 3)

    @Test func aChunkedRPCThatContainsTheEndMarkerWaitsForTheNegotiation() throws {
        // The client's first rpc arrives in the same read as its hello and holds `]]>]]>` in its data:
        // decoded with the hello's framing it would be cut in two.
        let rpc = RPC.envelope(
            messageID: "1",
            operation: Operation.editConfig(
                target: .candidate, config: XMLElement("c", namespace: "urn:c", text: "a]]>]]>b")))
        var clientSide = SessionFraming(maxChunk: 10)
        let wire = clientSide.frame(client.serialize())
        clientSide.negotiate(local: client, remote: server)
        var serverSide = SessionFraming()
        serverSide.receive(wire + clientSide.frame(rpc))
        let hello = try #require(try serverSide.next())
        #expect(try serverSide.next() == nil)
        #expect(serverSide.negotiate(local: server, remote: try Hello.parse(hello)) == .chunked)
        #expect(try serverSide.next() == rpc)
        #expect(try serverSide.next() == nil)
        #expect(serverSide.bufferedByteCount == 0)
    }

    @Test func aBase10PeerKeepsEndOfMessageFraming() throws {
        var framing = SessionFraming()
        #expect(framing.mode == .endOfMessage && !framing.isNegotiated)
        framing.receive(
            FrameEncoder.frame(Hello(capabilities: [Capability.base10]).serialize(), mode: .endOfMessage)
                + FrameEncoder.frame(Reply.ok(messageID: "1"), mode: .endOfMessage))
        let hello = try Hello.parse(try #require(try framing.next()))
        #expect(framing.negotiate(local: client, remote: hello) == .endOfMessage)
        #expect(framing.isNegotiated)
        #expect(try framing.next() == Reply.ok(messageID: "1"))
        #expect(framing.frame(Array("<x/>".utf8)) == Array("<x/>]]>]]>".utf8))
    }

    @Test func withDefaultsIsSentInItsOwnNamespace() {
        #expect(
            XML.serialize(Operation.getConfig(source: .running, withDefaults: .reportAll))
                == "<get-config xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><source><running/></source>"
                + "<with-defaults xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults\">report-all"
                + "</with-defaults></get-config>")
    }
}
