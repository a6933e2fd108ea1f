import Foundation
import NETCONF
import NETCONFClient
import Testing

/// A session never hangs: silent servers time out, dead connections fail every waiting call.
@Suite(.serialized)
struct FailureTests {
    @Test func anUnansweredRPCTimesOutAndTheSessionStaysUsable() async throws {
        try await withServer { server in
            let session = try await server.connect()
            server.freezeNETCONFServer()
            let started = Date()
            let error = await #expect(throws: NETCONFClientError.self) {
                _ = try await session.getConfig(source: .running, timeout: .seconds(1))
            }
            #expect(error?.code == .rpcTimeout)
            #expect(Date().timeIntervalSince(started) < 5)
            server.thawNETCONFServer()
            let data = try await session.getConfig(source: .running)
            #expect(data.name == "data")
            await session.close()
        }
    }

    @Test func aDeadConnectionFailsEveryPendingRPC() async throws {
        try await withServer { server in
            let session = try await server.connect()
            server.freezeNETCONFServer()
            let started = Date()
            async let first = await Result(catching: { try await session.getConfig(source: .running) })
            async let second = await Result(catching: { try await session.get() })
            try await Task.sleep(for: .milliseconds(500))
            server.killSSHConnections()
            let results = await [first, second]
            for result in results {
                #expect(throws: NETCONFClientError.self) { try result.get() }
                if case let .failure(error as NETCONFClientError) = result {
                    #expect(error.code == .sessionClosed)
                }
            }
            #expect(Date().timeIntervalSince(started) < 10)
            // Later calls fail at once too.
            let later = await #expect(throws: NETCONFClientError.self) {
                _ = try await session.get()
            }
            #expect(later?.code == .sessionClosed)
            server.thawNETCONFServer()
        }
    }

    @Test func cancellingTheWaitingTaskFailsItsRPCAtOnce() async throws {
        try await withServer { server in
            let session = try await server.connect()
            server.freezeNETCONFServer()
            let started = Date()
            let waiting = Task { try await session.get() }
            try await Task.sleep(for: .milliseconds(300))
            waiting.cancel()
            let error = await #expect(throws: NETCONFClientError.self) { try await waiting.value }
            #expect(error?.code == .cancelled)
            #expect(Date().timeIntervalSince(started) < 5)
            server.thawNETCONFServer()
            await session.close()
        }
    }

    @Test func aSilentServerFailsTheHelloWithATimeout() async throws {
        try await withServer { server in
            server.freezeNETCONFServer()
            let started = Date()
            let error = await #expect(throws: NETCONFClientError.self) {
                _ = try await server.connect(timeouts: NETCONFTimeouts(hello: .seconds(2)))
            }
            #expect(error?.code == .helloTimeout)
            #expect(Date().timeIntervalSince(started) < 10)
            server.thawNETCONFServer()
        }
    }

    @Test func keepalivesBetweenRequestsDoNotDisturbTheSession() async throws {
        try await withServer { server in
            let session = try await server.connect(timeouts: NETCONFTimeouts(rpc: .seconds(30), keepalive: .seconds(1)))
            try await session.editConfig(config: try settingsConfig("<hostname>alive</hostname>"))
            // Idle stretches (keepalives go out) alternate with bursts of requests (keepalives wait).
            for round in 0..<3 {
                try await Task.sleep(for: .milliseconds(1_300))
                for _ in 0..<20 {
                    #expect(try await hostname(session, .candidate) == "alive", "round \(round)")
                }
            }
            await session.close()
        }
    }

    @Test func aClosedSessionRefusesFurtherRPCs() async throws {
        try await withServer { server in
            let session = try await server.connect()
            await session.close()
            let error = await #expect(throws: NETCONFClientError.self) {
                _ = try await session.get()
            }
            #expect(error?.code == .sessionClosed)
            try await Task.sleep(for: .milliseconds(300))
            #expect(
                server.sshdLog().contains("Disconnected from user \(NETCONFServerHarness.user)")
                    || server.sshdLog().contains("Received disconnect from 127.0.0.1"))
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
