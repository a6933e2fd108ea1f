import CMSDaemon
import CMSModel
import CMSReconcile
import CRP
import CRPTransport
import Foundation
import Logging
import NIOCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 18 items 5 and 6 under load: a bounded flood of hostile CRP datagrams on loopback (unsigned
/// with random device codes, unsigned for a tenant with a secret, wrong signatures, replays of a real
/// signed datagram, garbage), from one source or from many, while 50 devices send their 3 signed boot
/// announcements. Every legitimate one must be routed, with p99 latency under 1 s, and the event log
/// must stay bounded. The rate reached on the machine is printed (2 shared cores here).
@Suite(.serialized) struct CRPFloodTests {
    static let secret = Array("crp-flood-test-secret-0123456789abcdef".utf8)
    static let legitDevices = 50
    static let floodSeconds = 3.0
    /// What a debug build drains on 2 cores shared by six builds (~5,000 datagrams/s measured; a
    /// 100,000/s flood reached 27,000–36,000/s sent and the kernel dropped what the listener could
    /// not read, signed ones included). Above the drain rate no listener design can route every
    /// datagram; the device's repetitions (docs/crp.md §7) cover such losses.
    static let targetRate = 2_000

    struct Scenario: Sendable, CustomTestStringConvertible {
        let name: String
        /// Source addresses the flood is sent from (all on 127.0.0.0/8).
        let sources: [String]
        var testDescription: String { name }
    }

    static let scenarios = [
        Scenario(name: "from the devices' own source address", sources: ["127.0.0.1"]),
        Scenario(
            name: "from 64 spoofed sources", sources: ["127.0.0.1"] + (1..<64).map { "127.31.\($0 / 250).\($0 % 250 + 1)" }),
    ]

    @Test("every signed announcement is routed, p99 < 1 s, events bounded", arguments: scenarios)
    func flood(scenario: Scenario) async throws {
        let harness = try await DeviceHarness(crpSecret: Self.secret)
        defer { Task { await harness.stop() } }
        // Agents that will not reach anything at 127.77.0.x:1, and do not retry during the test.
        let context = harness.context(backoff: Backoff(base: .seconds(60), cap: .seconds(120)))
        var agents: [String: DeviceAgent] = [:]
        for n in 0..<Self.legitDevices { agents["dev\(n)"] = harness.agent(code: "dev\(n)", context: context) }
        await harness.directory.setDevices(tenant: "century", agents: agents, serials: [:], suspended: [])
        await harness.directory.setDevices(tenant: "open", agents: [:], serials: [:], suspended: [])

        var configuration = CRPListenerConfiguration(secretFor: { $0 == "century" ? Self.secret : nil })
        var quiet = Logger(label: "test.flood")
        quiet.logLevel = .critical
        configuration.logger = quiet
        let listener = try await CRPListener.bind(host: "127.0.0.1", port: 0, configuration: configuration)
        let port = try #require(listener.localAddress.port)

        // What the daemon's CRP service does, plus a timestamp once each signed one is routed.
        let sentAt = Locked<[UInt64: ContinuousClock.Instant]>([:])
        let latencies = Locked<[Duration]>([])
        let directory = harness.directory
        let consumer = Task {
            for await received in listener.announcements {
                let source = received.source.ipAddress ?? "\(received.source)"
                await directory.route(received.announcement, from: source, authenticated: received.decoded.authenticated)
                guard received.decoded.authenticated else { continue }
                let routedAt = ContinuousClock.now
                if let sent = sentAt.withLockedValue({ $0[received.announcement.sequence] }) {
                    latencies.withLockedValue { $0.append(sent.duration(to: routedAt)) }
                }
            }
        }

        // dev0 announced once before: the attacker captured that datagram and replays it in the flood.
        let sender = try await CRPSender.bind(host: "127.0.0.1", port: 0)
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        try await sender.send(bytes: try CRPCodec.encode(Self.captured, secret: Self.secret), to: target)
        #expect(await eventually { await harness.directory.counters.routedAuthenticated == 1 })

        let payloads = try Self.hostilePayloads()
        let flood = Task.detached { await Flooder.run(from: scenario.sources, to: port, payloads: payloads) }
        // The devices boot during the flood: 3 announcements each, spread over its middle.
        let start = ContinuousClock.now
        let legitimate = Self.legitDevices * 3
        for k in 0..<legitimate {
            // Pacing the load generator (not synchronisation): 150 sends over ~2 s.
            try await Task.sleep(until: start.advanced(by: .milliseconds(300 + k * 13)), clock: .continuous)
            let sequence = UInt64(1_000 + k)
            let announcement = Announcement(
                customerID: "century", cpeID: "dev\(k % Self.legitDevices)", product: "NXR-120",
                advertise: .init(address: .v4(127, 77, 0, UInt8(k % Self.legitDevices + 1)), port: 1), bootID: 1,
                sequence: sequence)
            sentAt.withLockedValue { $0[sequence] = .now }
            try await sender.send(announcement, secret: Self.secret, to: target)
        }
        let result = await flood.value
        let routed = await eventually(timeout: .seconds(10)) { latencies.withLockedValue { $0.count } >= legitimate }
        let counters = listener.counters
        try await sender.close()
        try await listener.close()
        await consumer.value

        let sorted = latencies.withLockedValue { $0 }.sorted()
        let p99 = sorted.isEmpty ? Duration.seconds(999) : sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
        let rate = Double(result.sent) / result.seconds
        let openEvents = try await harness.events.search(EventQuery(tenant: "open", limit: 100_000))
        print(
            """
            CRP flood \(scenario.name): \(result.sent) datagrams in \(String(format: "%.2f", result.seconds)) s \
            = \(Int(rate)) /s (target \(Self.targetRate) /s); listener accepted \(counters.accepted), dropped \
            \(counters.totalDropped) (\(counters.dropped.map { "\($0.key.rawValue) \($0.value)" }.sorted().joined(separator: ", "))); \
            signed routed \(sorted.count)/\(legitimate), p50 \(sorted.isEmpty ? "-" : "\(sorted[sorted.count / 2])"), \
            p99 \(p99), max \(sorted.last.map { "\($0)" } ?? "-"); events of the flooded tenant \(openEvents.count)
            """)
        #expect(routed, "every legitimate signed announcement is routed (\(sorted.count) of \(legitimate))")
        #expect(p99 < .seconds(1))
        #expect(counters.acceptedAuthenticated == legitimate + 1)
        #expect(await harness.directory.counters.routedAuthenticated == legitimate + 1)
        #expect(counters[.replayed] > 0)
        // One event per source and interval in full, at most 50 per tenant and interval in all.
        #expect(openEvents.count <= scenario.sources.count)
        #expect(openEvents.count <= 50)
        #expect(result.sent > 3_000, "the flood really flooded")
    }

    static let captured = Announcement(
        customerID: "century", cpeID: "dev0", product: "NXR-120", advertise: .init(address: .v4(127, 77, 0, 1), port: 1),
        bootID: 1, sequence: 0)

    /// Datagrams of every hostile kind, pre-encoded so the sender only sends.
    static func hostilePayloads() throws -> [[UInt8]] {
        var generator = SystemRandomNumberGenerator()
        var payloads: [[UInt8]] = []
        for n in 0..<512 {
            let random = Announcement(
                customerID: "open", cpeID: "x\(UInt32.random(in: 0...UInt32.max, using: &generator))", product: "NXR-120",
                advertise: .init(address: .v4(127, 0, 0, UInt8(n % 250 + 2)), port: 22), bootID: 1,
                sequence: UInt64(n))
            payloads.append(try CRPCodec.encode(random, secret: nil))
            var forged = random
            forged.customerID = "century"
            forged.cpeID = "dev\(n % legitDevices)"
            payloads.append(try CRPCodec.encode(forged, secret: nil))  // signature-required
            payloads.append(try CRPCodec.encode(forged, secret: Array("not-the-secret-\(n)".utf8)))  // bad-signature
        }
        // A real signed datagram captured earlier, replayed over and over.
        payloads.append(try CRPCodec.encode(captured, secret: secret))
        payloads.append([0x43, 0x52, 0x50, 0x4E, 9, 9, 9])
        payloads.shuffle()
        return payloads
    }
}

/// Sends datagrams as fast as allowed (up to the target rate) from plain sockets bound to the given
/// loopback sources, on its own thread: blocking C calls stay off the Swift concurrency pool.
enum Flooder {
    struct Result: Sendable {
        var sent: Int
        var seconds: Double
    }

    static func run(from sources: [String], to port: Int, payloads: [[UInt8]]) async -> Result {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: send(from: sources, to: port, payloads: payloads))
            }
            thread.start()
        }
    }

    private static func address(_ host: String, _ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        _ = inet_pton(AF_INET, host, &address.sin_addr)
        return address
    }

    private static func send(from sources: [String], to port: Int, payloads: [[UInt8]]) -> Result {
        let sockets: [Int32] = sources.compactMap { source in
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            guard fd >= 0 else { return nil }
            var local = address(source, 0)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else {
                close(fd)
                return nil
            }
            return fd
        }
        defer { for fd in sockets { close(fd) } }
        guard !sockets.isEmpty else { return Result(sent: 0, seconds: 1) }
        var target = address("127.0.0.1", port)
        let clock = ContinuousClock()
        let start = clock.now
        let limit = Int(CRPFloodTests.floodSeconds * Double(CRPFloodTests.targetRate))
        var sent = 0
        var index = 0
        while sent < limit {
            for _ in 0..<256 {
                let payload = payloads[index % payloads.count]
                let fd = sockets[index % sockets.count]
                index += 1
                let n = payload.withUnsafeBytes { bytes in
                    withUnsafePointer(to: &target) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            sendto(
                                fd, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT), $0,
                                socklen_t(MemoryLayout<sockaddr_in>.size))
                        }
                    }
                }
                if n > 0 { sent += 1 }
            }
            let elapsed = start.duration(to: clock.now)
            if elapsed >= .seconds(CRPFloodTests.floodSeconds) { break }
            // Ahead of the target rate: wait for the schedule to catch up.
            let due = Duration.seconds(Double(sent) / Double(CRPFloodTests.targetRate))
            if due > elapsed {
                let ahead = (due - elapsed).components
                usleep(UInt32(clamping: ahead.seconds * 1_000_000 + ahead.attoseconds / 1_000_000_000_000))
            }
        }
        let seconds = start.duration(to: clock.now)
        return Result(sent: sent, seconds: Double(seconds.components.seconds) + Double(seconds.components.attoseconds) * 1e-18)
    }
}
