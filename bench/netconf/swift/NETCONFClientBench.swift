// netconf-client-bench: RPC round trips/s over one session and sessions opened/s, with our libssh2 client.
// Usage: netconf-client-bench HOST PORT USER KEYFILE PIN RPCS SESSIONS
// Prints one figure per line (name value unit); bench/netconf/run.sh starts the server and compares.
import Foundation
import NETCONF
import NETCONFClient

@main
struct NETCONFClientBench {
    static func main() async {
        let args = CommandLine.arguments
        guard args.count == 8, let port = Int(args[2]), let rpcs = Int(args[6]), let sessions = Int(args[7]),
            let key = try? String(contentsOfFile: args[4], encoding: .utf8)
        else {
            FileHandle.standardError.write(
                Data("usage: netconf-client-bench HOST PORT USER KEYFILE PIN RPCS SESSIONS\n".utf8))
            exit(64)
        }
        let host = args[1], user = args[3], pin = args[5]
        let filter = Filter.subtree(XMLElement("settings", namespace: "urn:cms:test"))
        func open() async throws -> NETCONFSession {
            try await NETCONFSession.connect(
                host: host, port: port, username: user,
                auth: .publicKey(privateKey: key), hostKey: .pinned(pin))
        }
        do {
            // RPC round trips, one at a time (what a reconcile step does).
            let session = try await open()
            for _ in 0..<20 { _ = try await session.getConfig(source: .running, filter: filter) }
            var start = ContinuousClock.now
            for _ in 0..<rpcs { _ = try await session.getConfig(source: .running, filter: filter) }
            var elapsed = ContinuousClock.now - start
            print("cms rpc_round_trips_per_s \(rate(rpcs, elapsed))")

            // The same RPCs with 16 in flight (replies matched by message-id).
            start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        for _ in stride(from: worker, to: rpcs, by: 16) {
                            _ = try await session.getConfig(source: .running, filter: filter)
                        }
                    }
                }
                try await group.waitForAll()
            }
            elapsed = ContinuousClock.now - start
            print("cms rpc_round_trips_per_s_16_in_flight \(rate(rpcs, elapsed))")
            await session.close()

            // Sessions opened (TCP + SSH + auth + subsystem + hellos) and closed, one after another.
            start = ContinuousClock.now
            for _ in 0..<sessions {
                let session = try await open()
                await session.close()
            }
            elapsed = ContinuousClock.now - start
            print("cms sessions_opened_per_s \(rate(sessions, elapsed))")

            // Sessions opened 8 at a time.
            start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        for _ in stride(from: worker, to: sessions, by: 8) {
                            let session = try await open()
                            await session.close()
                        }
                    }
                }
                try await group.waitForAll()
            }
            elapsed = ContinuousClock.now - start
            print("cms sessions_opened_per_s_8_parallel \(rate(sessions, elapsed))")
        } catch {
            FileHandle.standardError.write(Data("netconf-client-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func rate(_ count: Int, _ elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return String(format: "%.1f", Double(count) / seconds)
    }
}
