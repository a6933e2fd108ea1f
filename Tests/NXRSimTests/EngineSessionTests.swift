import Foundation
import NETCONF
import Testing
@testable import NXRSim

/// Hello, framing, sessions and malformed input — the engine without sockets.
@Suite struct EngineSessionTests {
    @Test func theServerHelloAdvertisesTheCapabilitiesAndASessionID() throws {
        var harness = try EngineHarness()
        let (first, hello) = try harness.open()
        let (second, _) = try harness.open()
        #expect(hello.sessionID == first)
        #expect(second == first + 1)
        for capability in [
            Capability.base10, Capability.base11, Capability.candidate, Capability.confirmedCommit11,
            Capability.rollbackOnError, Capability.validate11, Capability.writableRunning,
            Capability.startup, Capability.notification,
        ] {
            #expect(hello.has(capability), "missing \(capability)")
        }
    }

    @Test func aBase11ClientGetsChunkedReplies() throws {
        var harness = try EngineHarness()
        let (session, _) = try harness.open(base11: true)
        let message = Array(
            "<rpc message-id=\"9\" xmlns=\"\(NETCONFNamespace.base)\"><get-config><source><running/></source></get-config></rpc>"
                .utf8)
        let actions = harness.engine.receive(session, FrameEncoder.frame(message, mode: .chunked), now: harness.now)
        guard case .send(_, let bytes) = actions.first else {
            Issue.record("no reply")
            return
        }
        #expect(bytes.starts(with: Array("\n#".utf8)))
        var decoder = FrameDecoder(mode: .chunked)
        let replies = try decoder.feed(bytes)
        #expect(replies.count == 1)
    }

    @Test(arguments: [
        "<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities><capability>urn:x</capability></capabilities></hello>",
        "<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities><session-id>4</session-id></hello>",
        "<not-xml",
    ])
    func aBadClientHelloEndsTheSession(hello: String) throws {
        var harness = try EngineHarness()
        let (id, _) = harness.engine.open(now: harness.now)
        let actions = harness.engine.receive(
            id, FrameEncoder.frame(Array(hello.utf8), mode: .endOfMessage), now: harness.now)
        #expect(actions.contains { if case .close(id) = $0 { true } else { false } })
    }

    @Test func malformedRPCsGetTypedErrors() throws {
        var harness = try EngineHarness()
        let (session, _) = try harness.open()
        let noID = try harness.raw(session, Array("<rpc xmlns=\"\(NETCONFNamespace.base)\"><get/></rpc>".utf8))
        #expect(noID?.errors.first?.tag == "missing-attribute")
        let notRPC = try harness.raw(session, Array("<foo/>".utf8))
        #expect(notRPC?.errors.first?.tag == "malformed-message")
        let unknown = try harness.rpc(session, "<frobnicate/>")
        #expect(unknown?.errors.first?.tag == "operation-not-supported")
        #expect(unknown?.messageID == "1")
    }

    @Test func closeSessionRepliesOKThenCloses() throws {
        var harness = try EngineHarness()
        let (session, _) = try harness.open()
        let reply = try harness.rpc(session, "<close-session/>")
        #expect(reply?.ok == true)
        #expect(harness.closed.contains(session))
    }

    @Test func killSessionClosesTheOtherSessionAndFreesItsLock() throws {
        var harness = try EngineHarness()
        let (first, _) = try harness.open()
        let (second, _) = try harness.open()
        #expect(try harness.rpc(first, "<lock><target><running/></target></lock>")?.ok == true)
        let selfKill = try harness.rpc(second, "<kill-session><session-id>\(second)</session-id></kill-session>")
        #expect(selfKill?.errors.first?.tag == "invalid-value")
        #expect(try harness.rpc(second, "<kill-session><session-id>\(first)</session-id></kill-session>")?.ok == true)
        #expect(harness.closed.contains(first))
        #expect(harness.engine.lockHolder("running") == nil)
    }

    @Test func vendorRPCsGoToTheDevice() throws {
        var harness = try EngineHarness()
        let (session, _) = try harness.open()
        let reply = try harness.rpc(
            session, "<ping xmlns=\"\(SimModel.namespace)\"><destination>127.0.0.1</destination></ping>")
        #expect(reply == nil)
        #expect(harness.vendorCalls.count == 1)
        #expect(harness.vendorCalls.first?.1.name == "ping")
    }
}
