import CRP
import CRPTransport
import NIOCore
import Testing

@Suite("CRP over UDP on loopback")
struct CRPTransportTests {
    /// Waits for the next announcement, failing instead of hanging.
    func next(_ listener: CRPListener, within: Duration = .seconds(5)) async throws -> ReceivedAnnouncement? {
        try await withThrowingTaskGroup(of: ReceivedAnnouncement?.self) { group in
            group.addTask {
                var iterator = listener.announcements.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                try await Task.sleep(for: within)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Polls the counters until `condition` holds (UDP delivery on loopback is fast but async).
    func waitFor(_ listener: CRPListener, _ condition: (CRPCounters) -> Bool) async throws -> CRPCounters {
        for _ in 0..<200 {
            let counters = listener.counters
            if condition(counters) { return counters }
            try await Task.sleep(for: .milliseconds(10))
        }
        return listener.counters
    }

    @Test("an announcement sent to 127.0.0.1 arrives decoded, with its source address")
    func sendAndReceive() async throws {
        let listener = try await CRPListener.bind(host: "127.0.0.1", port: 0)
        let sender = try await CRPSender.bind(host: "127.0.0.1", port: 0)
        try await sender.send(Examples.signedIPv4, secret: nil, to: listener.localAddress)
        let received = try #require(try await next(listener))
        #expect(received.announcement == Examples.signedIPv4)
        #expect(!received.decoded.authenticated)
        #expect(received.source.port == sender.localAddress.port)
        #expect(received.source.ipAddress == "127.0.0.1")
        #expect(listener.counters.accepted == 1)
        try await sender.close()
        try await listener.close()
    }

    @Test("signed announcements are verified, replays and malformed datagrams are dropped and counted")
    func signedReplayAndMalformed() async throws {
        let configuration = CRPListenerConfiguration(secretFor: { $0 == "century" ? Examples.secret : nil })
        let listener = try await CRPListener.bind(host: "127.0.0.1", port: 0, configuration: configuration)
        let sender = try await CRPSender.bind(host: "127.0.0.1", port: 0)
        let target = listener.localAddress

        try await sender.send(Examples.signedIPv4, secret: Examples.secret, to: target)
        let first = try #require(try await next(listener))
        #expect(first.decoded.authenticated)

        try await sender.send(Examples.signedIPv4, secret: Examples.secret, to: target)  // replay
        try await sender.send(Examples.signedIPv4, secret: nil, to: target)  // unsigned
        try await sender.send(Examples.signedIPv4, secret: Array("wrong-secret-123".utf8), to: target)
        try await sender.send(bytes: [1, 2, 3], to: target)
        var newer = Examples.signedIPv4
        newer.sequence += 1
        try await sender.send(newer, secret: Examples.secret, to: target)
        let second = try #require(try await next(listener))
        #expect(second.announcement.sequence == 43)

        let counters = try await waitFor(listener) { $0.totalDropped == 4 && $0.accepted == 2 }
        #expect(counters[.replayed] == 1)
        #expect(counters[.signatureRequired] == 1)
        #expect(counters[.badSignature] == 1)
        #expect(counters[.truncated] == 1)
        #expect(counters.accepted == 2)

        listener.forgetReplayState(for: Examples.signedIPv4.deviceKey)
        try await sender.send(Examples.signedIPv4, secret: Examples.secret, to: target)
        #expect(try await next(listener)?.announcement.sequence == 42)
        try await sender.close()
        try await listener.close()
    }

    @Test("a source over its rate limit is dropped as rate-limited")
    func rateLimit() async throws {
        var configuration = CRPListenerConfiguration()
        configuration.burstPerSource = 3
        configuration.refillPerSecond = 0.001
        let listener = try await CRPListener.bind(host: "127.0.0.1", port: 0, configuration: configuration)
        let sender = try await CRPSender.bind(host: "127.0.0.1", port: 0)
        for sequence in 0..<10 as Range<UInt64> {
            var a = Examples.signedIPv4
            a.sequence = sequence
            try await sender.send(a, secret: nil, to: listener.localAddress)
        }
        let counters = try await waitFor(listener) { $0.accepted + $0.totalDropped == 10 }
        #expect(counters.accepted == 3)
        #expect(counters[.rateLimited] == 7)
        try await sender.close()
        try await listener.close()
    }

    @Test("closing the listener finishes its stream")
    func closeFinishes() async throws {
        let listener = try await CRPListener.bind(host: "127.0.0.1", port: 0)
        try await listener.close()
        var iterator = listener.announcements.makeAsyncIterator()
        #expect(await iterator.next() == nil)
    }

    @Test("IPv6 loopback works too")
    func ipv6() async throws {
        let listener = try await CRPListener.bind(host: "::1", port: 0)
        let sender = try await CRPSender.bind(host: "::1", port: 0)
        try await sender.send(Examples.unsignedIPv6Serial, secret: nil, to: listener.localAddress)
        let received = try #require(try await next(listener))
        #expect(received.announcement == Examples.unsignedIPv6Serial)
        #expect(received.source.ipAddress == "::1")
        try await sender.close()
        try await listener.close()
    }
}
