import CRP
import CRPTransport
import NIOCore
import Testing

/// Issue 18 item 6: the listener verifies first and limits only what did not verify, so unsigned
/// or spoofed traffic — even from the very source of a real device — cannot starve signed announcements.
@Suite("CRP listener: verify first, then limit")
struct CRPListenerHardeningTests {
    static func announcement(_ customer: String, sequence: UInt64) -> Announcement {
        var a = Examples.signedIPv4
        a.customerID = customer
        a.sequence = sequence
        return a
    }

    func waitFor(_ listener: CRPListener, _ condition: (CRPCounters) -> Bool) async throws -> CRPCounters {
        for _ in 0..<500 {
            let counters = listener.counters
            if condition(counters) { return counters }
            try await Task.sleep(for: .milliseconds(10))
        }
        return listener.counters
    }

    @Test func anUnsignedFloodFromTheSameSourceDoesNotRateLimitSignedAnnouncements() async throws {
        var configuration = CRPListenerConfiguration(secretFor: { $0 == "century" ? Examples.secret : nil })
        configuration.burstPerSource = 2
        configuration.refillPerSecond = 0.001
        let listener = try await CRPListener.bind(host: "127.0.0.1", port: 0, configuration: configuration)
        let sender = try await CRPSender.bind(host: "127.0.0.1", port: 0)
        // Unsigned announcements of a tenant without a secret exhaust the source's bucket…
        for sequence in 0..<20 as Range<UInt64> {
            try await sender.send(Self.announcement("open", sequence: sequence), secret: nil, to: listener.localAddress)
        }
        _ = try await waitFor(listener) { $0.accepted + $0.totalDropped == 20 }
        // …and unsigned ones of the tenant with a secret are refused by the signature rule.
        try await sender.send(Self.announcement("century", sequence: 1), secret: nil, to: listener.localAddress)
        // Signed ones from that very source still pass.
        for sequence in 100..<110 as Range<UInt64> {
            try await sender.send(
                Self.announcement("century", sequence: sequence), secret: Examples.secret, to: listener.localAddress)
        }
        let counters = try await waitFor(listener) { $0.accepted + $0.totalDropped == 31 }
        #expect(counters[.rateLimited] == 18)
        #expect(counters[.signatureRequired] == 1)
        #expect(counters.acceptedAuthenticated == 10)
        #expect(counters.accepted == 12)
        try await sender.close()
        try await listener.close()
    }

    @Test func unsignedAnnouncementsFillOnlyTheirShareOfTheQueue() async throws {
        var configuration = CRPListenerConfiguration(secretFor: { $0 == "century" ? Examples.secret : nil })
        configuration.bufferSize = 8
        configuration.unauthenticatedQueueShare = 0.5
        configuration.burstPerSource = 1000
        let listener = try await CRPListener.bind(host: "127.0.0.1", port: 0, configuration: configuration)
        let sender = try await CRPSender.bind(host: "127.0.0.1", port: 0)
        // Nobody consumes yet: unsigned ones take 4 places, the rest are `queue-full`.
        for sequence in 0..<20 as Range<UInt64> {
            try await sender.send(Self.announcement("open", sequence: sequence), secret: nil, to: listener.localAddress)
        }
        for sequence in 0..<4 as Range<UInt64> {
            try await sender.send(
                Self.announcement("century", sequence: sequence), secret: Examples.secret, to: listener.localAddress)
        }
        let counters = try await waitFor(listener) { $0.accepted + $0.totalDropped == 24 }
        #expect(counters[.queueFull] == 16)
        #expect(counters.accepted == 8)
        #expect(counters.acceptedAuthenticated == 4)

        // Taking unsigned ones out frees their places again.
        var iterator = listener.announcements.makeAsyncIterator()
        var authenticated = 0
        for _ in 0..<8 {
            if await iterator.next()?.decoded.authenticated == true { authenticated += 1 }
        }
        #expect(authenticated == 4)
        try await sender.send(Self.announcement("open", sequence: 99), secret: nil, to: listener.localAddress)
        #expect(await iterator.next()?.announcement.sequence == 99)
        try await sender.close()
        try await listener.close()
    }
}
