import Foundation
import NETCONF
import NETCONFClient
import Testing

/// Configuration work against netconfd's candidate datastore: edit, commit, confirmed commit, locks, errors.
@Suite(.serialized)
struct ConfigurationTests {
    @Test func editConfigOnCandidateThenCommitIsReadBackFromRunning() async throws {
        try await withServer { server in
            let session = try await server.connect()
            try await session.lock(.candidate)
            try await session.editConfig(
                target: .candidate,
                config: try settingsConfig("<hostname>edge-1</hostname><mtu>1400</mtu>"))
            #expect(try await hostname(session, .candidate) == "edge-1")
            #expect(try await hostname(session, .running) == nil)
            try await session.commit()
            try await session.unlock(.candidate)

            // Read back through a second, independent session.
            let reader = try await server.connect()
            let data = try await reader.getConfig(source: .running, filter: settingsFilter())
            let settings = try #require(data.child("settings", namespace: testNamespace))
            #expect(settings.child("hostname")?.text == "edge-1")
            #expect(settings.child("mtu")?.text == "1400")
            let state = try await reader.get(filter: settingsFilter())
            #expect(state.child("settings", namespace: testNamespace)?.child("hostname")?.text == "edge-1")
            await reader.close()
            await session.close()
        }
    }

    @Test func manyConcurrentRPCsOnOneSessionGetTheirOwnReplies() async throws {
        try await withServer { server in
            let session = try await server.connect()
            try await session.editConfig(
                config: try settingsConfig(
                    (1...20).map { "<item><name>n\($0)</name><value>\($0)</value></item>" }.joined()))
            try await session.commit()
            try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for index in 1...20 {
                    group.addTask {
                        let filter = try XML.parse(
                            "<settings xmlns=\"\(testNamespace)\"><item><name>n\(index)</name>"
                                + "</item></settings>")
                        let data = try await session.getConfig(source: .running, filter: .subtree(filter))
                        let items = data.child("settings", namespace: testNamespace)?.children("item") ?? []
                        return (index, items.count == 1 ? items[0].child("value")?.text : "count \(items.count)")
                    }
                }
                for try await (index, value) in group {
                    #expect(value == "\(index)")
                }
            }
            await session.close()
        }
    }

    @Test func aConfirmedCommitRevertsWhenItsSessionDrops() async throws {
        try await withServer { server in
            let observer = try await server.connect()
            // A loop of its own, shut down below: the socket simply vanishes, no close-session.
            let loop = NETCONFClientLoop(name: "dropping")
            let committer = try await server.connect(loop: loop)
            try await committer.editConfig(config: try settingsConfig("<hostname>temporary</hostname>"))
            try await committer.commit(confirmed: 300)
            #expect(try await hostname(observer, .running) == "temporary")

            loop.shutdown()
            let error = await #expect(throws: NETCONFClientError.self) {
                _ = try await committer.getConfig(source: .running)
            }
            #expect(error?.code == .sessionClosed || error?.code == .loopShutDown)
            #expect(try await eventually(within: 15) { try await hostname(observer, .running) == nil })
            await observer.close()
        }
    }

    @Test func aConfirmedCommitRevertsWhenItsTimeoutExpires() async throws {
        try await withServer { server in
            let session = try await server.connect()
            try await session.editConfig(config: try settingsConfig("<hostname>short-lived</hostname>"))
            try await session.commit(confirmed: true, timeout: 2)
            #expect(try await hostname(session, .running) == "short-lived")
            // netconfd checks confirmed-commit timers only after ~1 s without requests: poll slowly.
            #expect(
                try await eventually(within: 20, every: .seconds(2)) { try await hostname(session, .running) == nil })
            await session.close()
        }
    }

    @Test func aConfirmedCommitThatIsConfirmedStays() async throws {
        try await withServer { server in
            let session = try await server.connect()
            try await session.editConfig(config: try settingsConfig("<hostname>kept</hostname>"))
            try await session.commit(confirmed: 2)
            try await session.commit()
            try await Task.sleep(for: .seconds(4))
            #expect(try await hostname(session, .running) == "kept")
            await session.close()
            let reader = try await server.connect()
            #expect(try await hostname(reader, .running) == "kept")
            await reader.close()
        }
    }

    @Test func aSecondSessionIsDeniedTheLockWithTheHoldersSessionID() async throws {
        try await withServer { server in
            let holder = try await server.connect()
            let other = try await server.connect()
            try await holder.lock(.candidate)
            let error = await #expect(throws: RPCError.self) {
                try await other.lock(.candidate)
            }
            #expect(error?.tag == "lock-denied")
            #expect(error?.type == "protocol")
            let holderID = try #require(holder.sessionID)
            #expect(error?.info.contains { $0.name == "session-id" && $0.text == "\(holderID)" } == true)
            try await holder.unlock(.candidate)
            try await other.lock(.candidate)
            try await other.unlock(.candidate)
            await holder.close()
            await other.close()
        }
    }

    @Test func anInvalidValueIsReportedAsAnRPCErrorWithItsFields() async throws {
        try await withServer { server in
            let session = try await server.connect()
            let error = await #expect(throws: RPCError.self) {
                try await session.editConfig(config: try settingsConfig("<mtu>12</mtu>"))
            }
            #expect(error?.severity == "error")
            // RFC 6241 Appendix A allows invalid-value with error-type protocol or application.
            #expect(["protocol", "application"].contains(error?.type ?? ""))
            #expect(error?.tag == "invalid-value")
            #expect(error?.path?.contains("mtu") == true)
            #expect(error?.message?.isEmpty == false)
            // The session stays usable after an rpc-error.
            #expect(try await hostname(session, .candidate) == nil)
            await session.close()
        }
    }

    @Test func anUnknownVendorRPCIsReportedAsAnRPCError() async throws {
        try await withServer { server in
            let session = try await server.connect()
            let error = await #expect(throws: RPCError.self) {
                try await session.rpc(XMLElement("no-such-operation", namespace: "urn:vendor:nothing"))
            }
            #expect(error?.severity == "error")
            #expect(error?.tag.isEmpty == false)
            await session.close()
        }
    }

    @Test func killSessionEndsTheOtherSessionAndReleasesItsLock() async throws {
        try await withServer { server in
            let victim = try await server.connect()
            let killer = try await server.connect()
            try await victim.lock(.candidate)
            try await killer.kill(sessionID: try #require(victim.sessionID))
            try await killer.lock(.candidate)
            let error = await #expect(throws: NETCONFClientError.self) {
                _ = try await victim.getConfig(source: .running)
            }
            #expect(error?.code == .sessionClosed)
            await killer.close()
        }
    }

    @Test func configChangeNotificationsArriveOnTheSubscription() async throws {
        try await withServer { server in
            let listener = try await server.connect()
            let notifications = try await listener.subscribe()
            let writer = try await server.connect()
            try await writer.editConfig(config: try settingsConfig("<hostname>notify</hostname>"))
            try await writer.commit()
            var iterator = notifications.makeAsyncIterator()
            let first = await iterator.next()
            let notification = try #require(first)
            #expect(!notification.eventTime.isEmpty)
            #expect(!notification.content.isEmpty)
            await writer.close()
            await listener.close()
            // The stream ends with the session.
            while await iterator.next() != nil {}
        }
    }
}
