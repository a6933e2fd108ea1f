// CRP listener under a flood (docs/security.md "CRP listener"): a sender thread blasts a hostile mix at a
// target rate over loopback — unsigned random device codes for a tenant without a secret, unsigned and
// wrongly signed datagrams and replays for a tenant with one, garbage — from one source address or from 64
// (127.0.0.2…65: every loopback address reaches the socket), while 50 devices send their 3 signed boot
// announcements spread over the flood. Prints one figure per line: the rate sent, the rate the listener
// drained (decoded and counted, whatever the verdict), what the kernel dropped before the listener saw it,
// how many signed announcements reached the consumer and their latency (send → consumer).
//
// usage: crp-bench [seconds=5] [target-per-second=100000]
import CRP
import CRPTransport
import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
let seconds = arguments.count > 1 ? Double(arguments[1]) ?? 5 : 5
let target = arguments.count > 2 ? Int(arguments[2]) ?? 100_000 : 100_000
let secret = Array("bench-secret-of-century".utf8)
let devices = 50

func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func announcement(tenant: String, device: String, sequence: UInt64, bootID: UInt32 = 7) -> Announcement {
    Announcement(
        customerID: tenant, cpeID: device, serial: nil, product: "NXR-G180",
        advertise: .init(address: .v4(127, 0, 0, 1), port: 830), keepalive: 60, bootID: bootID, sequence: sequence)
}

/// The hostile mix, pre-encoded (the sender must not be the bottleneck).
func hostile(count: Int) -> [[UInt8]] {
    var out: [[UInt8]] = []
    out.reserveCapacity(count)
    let replay = try! CRPCodec.encode(announcement(tenant: "century", device: "nxr01", sequence: 1, bootID: 1), secret: secret)
    for i in 0..<count {
        let code = "d" + String(i, radix: 36)
        switch i % 5 {
        case 0: out.append(try! CRPCodec.encode(announcement(tenant: "open", device: code, sequence: 1), secret: nil))
        case 1: out.append(try! CRPCodec.encode(announcement(tenant: "century", device: code, sequence: 1), secret: nil))
        case 2:
            out.append(
                try! CRPCodec.encode(announcement(tenant: "century", device: code, sequence: 1), secret: Array("wrong".utf8)))
        case 3: out.append(replay)
        default: out.append((0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ i) })
        }
    }
    return out
}

func udpSocket(boundTo address: String) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    precondition(fd >= 0)
    var local = sockaddr_in()
    local.sin_family = sa_family_t(AF_INET)
    inet_pton(AF_INET, address, &local.sin_addr)
    let bound = withUnsafePointer(to: &local) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    precondition(bound == 0, "bind \(address): errno \(errno)")
    return fd
}

struct Result {
    var sent = 0
    var sendSeconds = 0.0
    var processed = 0
    var drainSeconds = 0.0
    var signedSent = 0
    var signedRouted = 0
    var latenciesMs: [Double] = []
}

/// Signed announcements received by the consumer: (device, sequence) → receive time.
final class Received: @unchecked Sendable {
    let lock = NSLock()
    var times: [String: UInt64] = [:]
    func record(_ key: String, _ at: UInt64) { lock.lock(); times[key] = at; lock.unlock() }
    func snapshot() -> [String: UInt64] { lock.lock(); defer { lock.unlock() }; return times }
}

func run(sources: Int, vector: Int, readsPerEvent: Int) async throws -> Result {
    var configuration = CRPListenerConfiguration(secretFor: { $0 == "century" ? secret : nil })
    configuration.vectorReadCount = vector
    configuration.readsPerEvent = readsPerEvent
    let listener = try await CRPListener.bind(host: "127.0.0.1", port: 0, configuration: configuration)
    let port = UInt16(listener.localAddress.port!)
    let received = Received()
    let consumer = Task.detached {
        for await item in listener.announcements where item.decoded.authenticated {
            let a = item.announcement
            received.record("\(a.cpeID ?? "")/\(a.sequence)", monotonicNanos())
        }
    }

    let total = Int(Double(target) * seconds)
    let flood = hostile(count: 20_000)
    var signed: [(key: String, bytes: [UInt8])] = []
    for sequence in 1...3 {
        for d in 1...devices {
            let code = "nxr" + String(format: "%02d", d)
            signed.append(("\(code)/\(sequence)", try! CRPCodec.encode(announcement(tenant: "century", device: code, sequence: UInt64(sequence)), secret: secret)))
        }
    }
    let floodSockets = (0..<sources).map { udpSocket(boundTo: sources == 1 ? "127.0.0.1" : "127.0.0.\($0 + 2)") }
    let deviceSocket = udpSocket(boundTo: "127.0.0.1")
    var destination = sockaddr_in()
    destination.sin_family = sa_family_t(AF_INET)
    destination.sin_port = port.bigEndian
    inet_pton(AF_INET, "127.0.0.1", &destination.sin_addr)

    let before = listener.counters
    var result = Result()
    var sentAt: [String: UInt64] = [:]
    let signedEvery = max(total / signed.count, 1)
    let start = monotonicNanos()
    var nextSigned = 0
    withUnsafePointer(to: &destination) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { to in
            let length = socklen_t(MemoryLayout<sockaddr_in>.size)
            var i = 0
            while i < total {
                // Pace in slices of 1 ms: send what is due, then wait for the next slice.
                let due = Int(Double(monotonicNanos() - start) / 1e9 * Double(target))
                if i >= due {
                    usleep(200)
                    continue
                }
                while i < min(due, total) {
                    if i % signedEvery == 0 && nextSigned < signed.count {
                        let (key, bytes) = signed[nextSigned]
                        nextSigned += 1
                        sentAt[key] = monotonicNanos()
                        _ = bytes.withUnsafeBytes { sendto(deviceSocket, $0.baseAddress, $0.count, 0, to, length) }
                    } else {
                        let bytes = flood[i % flood.count]
                        _ = bytes.withUnsafeBytes {
                            sendto(floodSockets[i % sources], $0.baseAddress, $0.count, 0, to, length)
                        }
                    }
                    i += 1
                }
            }
        }
    }
    let sendEnd = monotonicNanos()
    result.sent = total
    result.sendSeconds = Double(sendEnd - start) / 1e9
    result.signedSent = nextSigned

    // Drained: until the counters stop moving for 200 ms.
    func processed() -> Int {
        let c = listener.counters
        return (c.accepted - before.accepted) + (c.totalDropped - before.totalDropped)
    }
    var last = processed()
    var lastChange = monotonicNanos()
    while monotonicNanos() - lastChange < 200_000_000 {
        usleep(20_000)
        let now = processed()
        if now != last {
            last = now
            lastChange = monotonicNanos()
        }
    }
    result.processed = last
    result.drainSeconds = Double(lastChange - start) / 1e9
    let times = received.snapshot()
    for (key, sent) in sentAt {
        if let got = times[key] {
            result.signedRouted += 1
            result.latenciesMs.append(Double(got &- sent) / 1e6)
        }
    }
    result.latenciesMs.sort()
    for fd in floodSockets { close(fd) }
    close(deviceSocket)
    try await listener.close()
    consumer.cancel()
    return result
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first ?? "?"
print("crp_flood_load_average \(load)")
print("crp_flood_seconds \(seconds)")
print("crp_flood_target_per_second \(target)")
for (name, vector, reads) in [("recvmsg", 1, 4), ("recvmmsg64", 64, 16)] {
    for sources in [1, 64] {
        let r = try await run(sources: sources, vector: vector, readsPerEvent: reads)
        let tag = "\(name)_sources\(sources)"
        print("crp_flood_\(tag)_sent_per_second \(Int(Double(r.sent) / r.sendSeconds))")
        print("crp_flood_\(tag)_drained_per_second \(Int(Double(r.processed) / r.drainSeconds))")
        print("crp_flood_\(tag)_kernel_dropped \(r.sent - r.processed)")
        print("crp_flood_\(tag)_signed_routed \(r.signedRouted)/\(r.signedSent)")
        print("crp_flood_\(tag)_signed_p50_ms \(String(format: "%.1f", percentile(r.latenciesMs, 0.5)))")
        print("crp_flood_\(tag)_signed_p99_ms \(String(format: "%.1f", percentile(r.latenciesMs, 0.99)))")
    }
}
