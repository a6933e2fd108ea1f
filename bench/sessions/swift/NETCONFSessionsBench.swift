// netconf-sessions-bench: holds N concurrent NETCONF sessions from one process with our libssh2 client
// (NETCONFClient) and prints what they cost: threads, resident memory per session, sessions set up per
// second, one get-config on every session at once.
//
// Usage: netconf-sessions-bench PORT USER KEYFILE WINDOW PREFIX:COUNT [PREFIX:COUNT …]
//   Devices are PREFIX+1 … PREFIX+COUNT (e.g. 127.3.0.0:5000 → 127.3.0.1 … 127.3.19.136), one session
//   each; at most WINDOW sessions are in setup at once. Loopback (127.0.0.0/8) only.
// Prints one figure per line (name value); exits 0 only if every session opened and answered.
import Foundation
import NETCONF
import NETCONFClient

@main
struct NETCONFSessionsBench {
    static func main() async {
        let args = Array(CommandLine.arguments.dropFirst())
        guard args.count >= 5, let port = Int(args[0]), let window = Int(args[3]), window > 0,
            let key = try? String(contentsOfFile: args[2], encoding: .utf8)
        else {
            fail("usage: netconf-sessions-bench PORT USER KEYFILE WINDOW PREFIX:COUNT [PREFIX:COUNT …]")
        }
        let user = args[1]
        var hosts: [String] = []
        for spec in args[4...] {
            guard let addresses = loopbackAddresses(spec) else {
                fail("netconf-sessions-bench: '\(spec)' is not PREFIX:COUNT with a 127.x.y.z prefix")
            }
            hosts += addresses
        }
        let total = hosts.count

        // Everything that exists before the first session: the loop thread, the key, the policy.
        let loop = NETCONFClientLoop(name: "sessions-bench")
        let hostKeys = HostKeyPolicy.trustOnFirstUse(InMemoryHostKeyStore())
        let timeouts = NETCONFTimeouts(
            connect: .seconds(120), hello: .seconds(60), rpc: .seconds(300), keepalive: .seconds(300),
            close: .seconds(30))
        let auth = SSHAuthentication.publicKey(privateKey: key)
        try? await Task.sleep(for: .milliseconds(200))
        let rssBefore = residentKiB()
        let fdsBefore = openFiles()

        // Open every session, at most `window` in setup at once.
        var sessions: [NETCONFSession] = []
        sessions.reserveCapacity(total)
        var errors: [String] = []
        var failures = 0
        let cpuBefore = cpuSeconds()
        let connectStart = ContinuousClock.now
        await withTaskGroup(of: Result<NETCONFSession, any Error>.self) { group in
            var next = 0
            func admit() {
                let host = hosts[next]
                next += 1
                group.addTask {
                    do {
                        return .success(
                            try await NETCONFSession.connect(
                                host: host, port: port, username: user, auth: auth, hostKey: hostKeys,
                                timeouts: timeouts, loop: loop))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            while next < min(window, total) { admit() }
            for await result in group {
                switch result {
                case .success(let session): sessions.append(session)
                case .failure(let error):
                    failures += 1
                    if errors.count < 5 { errors.append("connect: \(error)") }
                }
                if next < total { admit() }
            }
        }
        let connectSeconds = seconds(ContinuousClock.now - connectStart)
        let connectCPU = cpuSeconds() - cpuBefore
        let rssOpen = residentKiB()
        let threads = threadCount()
        let fdsOpen = openFiles()

        // One small get-config on every session, all in flight.
        let filter = Filter.subtree(
            XMLElement("system", namespace: "urn:cms:nxr:1.0", elements: [XMLElement("hostname")]))
        let rpcStart = ContinuousClock.now
        let rpcErrors = await withTaskGroup(of: String?.self) { group in
            for session in sessions {
                group.addTask {
                    do {
                        _ = try await session.getConfig(source: .running, filter: filter)
                        return nil
                    } catch {
                        return "get-config on \(session.host): \(error)"
                    }
                }
            }
            var failed: [String] = []
            for await error in group {
                if let error { failed.append(error) }
            }
            return failed
        }
        let rpcSeconds = seconds(ContinuousClock.now - rpcStart)
        errors += rpcErrors.prefix(5)

        print("sessions_open \(sessions.count)")
        print("sessions_established_per_second \(format(Double(sessions.count) / connectSeconds))")
        print("connect_phase_seconds \(String(format: "%.2f", connectSeconds))")
        print("client_cpu_ms_per_session_setup \(String(format: "%.2f", connectCPU * 1000 / Double(max(total, 1))))")
        print("client_threads \(threads)")
        print("client_rss_kib_before \(rssBefore)")
        print("client_rss_kib_open \(rssOpen)")
        print("client_rss_kib_per_session \(format(Double(rssOpen - rssBefore) / Double(max(sessions.count, 1))))")
        let filesPerSession = Double(fdsOpen - fdsBefore) / Double(max(sessions.count, 1))
        print("client_open_files_per_session \(String(format: "%.2f", filesPerSession))")
        print("rpc_get_all_sessions_seconds \(String(format: "%.3f", rpcSeconds))")
        print("rpc_failures \(rpcErrors.count)")
        print("connect_failures \(failures)")

        // Close everything (graceful: close-session, channel close, disconnect).
        let closeStart = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for session in sessions {
                group.addTask { await session.close() }
            }
        }
        print("close_all_seconds \(format(seconds(ContinuousClock.now - closeStart)))")
        sessions.removeAll()
        print("client_open_files_left_after_close \(openFiles() - fdsBefore)")
        loop.shutdown()

        if failures > 0 || !rpcErrors.isEmpty {
            for error in errors { FileHandle.standardError.write(Data("netconf-sessions-bench: \(error)\n".utf8)) }
            exit(1)
        }
    }

    /// `127.a.b.c:COUNT` → the COUNT addresses after the prefix; nil unless all stay in 127.0.0.0/8.
    static func loopbackAddresses(_ spec: String) -> [String]? {
        let parts = spec.split(separator: ":")
        guard parts.count == 2, let count = Int(parts[1]), count > 0 else { return nil }
        let octets = parts[0].split(separator: ".").compactMap { UInt32($0) }
        guard octets.count == 4, octets[0] == 127, octets.allSatisfy({ $0 < 256 }) else { return nil }
        let base = octets[1] << 16 | octets[2] << 8 | octets[3]
        guard base + UInt32(count) < 1 << 24 else { return nil }
        return (1...UInt32(count)).map { offset in
            let value = base + offset
            return "127.\(value >> 16 & 255).\(value >> 8 & 255).\(value & 255)"
        }
    }

    /// VmRSS of this process in KiB.
    static func residentKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    /// User + system CPU time of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        func value(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return value(usage.ru_utime) + value(usage.ru_stime)
    }

    /// Open file descriptors of this process (entries of /proc/self/fd).
    static func openFiles() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
    }

    /// Threads of this process (entries of /proc/self/task).
    static func threadCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(64)
    }
}
