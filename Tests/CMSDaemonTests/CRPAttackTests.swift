import CMSDaemon
import CMSModel
import CMSReconcile
import CRP
import CRPTransport
import Foundation
import NIOCore
import NXRSim
import Testing

/// Issue 18 item 2, as an attacker would try it over UDP: a stranger's unsigned CRP datagram naming
/// a pinned, connected device of a tenant without `crpSecret` must neither drop its session nor block it.
@Suite struct CRPAttackTests {
    /// Sends one unsigned announcement over UDP to the harness's CRP service, as anyone could.
    static func forge(_ harness: DeviceHarness, code: String, at address: ControlAddress) async throws {
        let sender = try await CRPSender.bind(host: "127.0.0.1", port: 0)
        let forged = Announcement(
            customerID: harness.tenant, cpeID: code, product: "NXR-120",
            advertise: .init(address: try #require(IPAddress(address.host)), port: UInt16(address.port)),
            bootID: UInt32.max, sequence: UInt64.max)
        let port = try #require(await harness.crp.localAddress?.port)
        try await sender.send(forged, secret: nil, to: try SocketAddress(ipAddress: "127.0.0.1", port: port))
        try await sender.close()
    }

    @Test func aForgedUnsignedAnnouncementNeitherDropsTheSessionNorBlocksTheDevice() async throws {
        let harness = try await DeviceHarness()
        defer { Task { await harness.stop() } }
        let agent = harness.agent(code: "tokyo1")
        await harness.directory.setDevices(tenant: "century", agents: ["tokyo1": agent], serials: [:], suspended: [])
        let real = try await harness.device(code: "tokyo1", announce: false)
        let realAddress = try await harness.address(of: real)
        await agent.announce(realAddress, authenticated: false)
        #expect(await eventually { await agent.info().state == .connected })
        let realKey = try await real.snapshot().get().hostKeyFingerprint

        // The attacker's box: same code, its own host key, elsewhere; a forged datagram points at it.
        let impostor = try await harness.device(code: "tokyo1", announce: false)
        let impostorAddress = try await harness.address(of: impostor)
        try await Self.forge(harness, code: "tokyo1", at: impostorAddress)
        #expect(await eventually { await harness.directory.counters.routed == 1 })

        // The session stays (the check read succeeds), nothing is blocked, the impostor is not contacted.
        #expect(try await eventually { try await real.snapshot().get().rpcsReceived >= 2 })
        var info = await agent.info()
        #expect(info.state == .connected)
        #expect(info.address == realAddress)
        #expect(!info.hostKeyBlocked)
        #expect(try await real.snapshot().get().sessionsOpened == 1)
        #expect(try await impostor.snapshot().get().sessionsOpened == 0)
        #expect(try await harness.events(.deviceHostKeyMismatch).isEmpty)
        #expect(try await harness.events(.deviceDisconnected).isEmpty)
        #expect(try await agent.withSession { _ in 1 } == 1)

        // The real device goes away: the forged address gets its one try, shows another key, and is
        // discarded — an event, no block — and the agent goes back to the last good address.
        try await real.stop().get()
        #expect(try await eventually { try await !harness.events(.deviceHostKeyMismatch).isEmpty })
        let mismatch = try #require(try await harness.events(.deviceHostKeyMismatch).first)
        #expect(mismatch.details["address"] == impostorAddress.description)
        #expect(mismatch.details["announcement"] == "unsigned")
        #expect(mismatch.details["expected"] == realKey)
        #expect(await !agent.info().hostKeyBlocked)
        #expect(try await impostor.snapshot().get().rpcsReceived == 0, "the key check runs before any RPC")

        // Back: the retry at the last good address finds it, with its pinned key.
        try await real.start().get()
        #expect(await eventually { await agent.info().state == .connected })
        info = await agent.info()
        #expect(info.address == realAddress)
        #expect(info.hostKey == realKey)
        #expect(!info.hostKeyBlocked)
        #expect(try await harness.events(.deviceHostKeyMismatch).count == 1)
        #expect(await harness.recorder.pins.allSatisfy { $0.hostKey == realKey })
    }

    @Test func aForgedAnnouncementBeforeFirstContactDoesNotBlockADeviceWithADeclaredKey() async throws {
        let harness = try await DeviceHarness()
        defer { Task { await harness.stop() } }
        let real = try await harness.device(code: "osaka1", announce: false)
        let realKey = try await real.snapshot().get().hostKeyFingerprint
        let agent = harness.agent(code: "osaka1", hostKey: realKey)
        await harness.directory.setDevices(tenant: "century", agents: ["osaka1": agent], serials: [:], suspended: [])
        let impostor = try await harness.device(code: "osaka1", announce: false)

        try await Self.forge(harness, code: "osaka1", at: try await harness.address(of: impostor))
        #expect(try await eventually { try await !harness.events(.deviceHostKeyMismatch).isEmpty })
        #expect(await eventually { await agent.info().state == .awaitingAddress })
        #expect(await !agent.info().hostKeyBlocked)

        // The real device's own (unsigned) announcement is then tried and connects.
        await agent.announce(try await harness.address(of: real), authenticated: false)
        #expect(await eventually { await agent.info().state == .connected })
        #expect(await agent.info().hostKey == realKey)
        #expect(try await impostor.snapshot().get().rpcsReceived == 0)
    }

    @Test func inATenantWithASecretAForgedUnsignedAnnouncementIsDroppedAtTheListener() async throws {
        let harness = try await DeviceHarness(crpSecret: Array("crp-attack-tests-secret-0123456789ab".utf8))
        defer { Task { await harness.stop() } }
        let agent = harness.agent(code: "nagoya1")
        await harness.directory.setDevices(tenant: "century", agents: ["nagoya1": agent], serials: [:], suspended: [])
        let real = try await harness.device(code: "nagoya1")
        #expect(await eventually { await agent.info().state == .connected })
        let impostor = try await harness.device(code: "nagoya1", announce: false)

        try await Self.forge(harness, code: "nagoya1", at: try await harness.address(of: impostor))
        #expect(await eventually { await harness.crp.listenerCounters?[.signatureRequired] == 1 })
        #expect(await agent.info().state == .connected)
        #expect(await !agent.info().hostKeyBlocked)
        #expect(try await real.snapshot().get().sessionsOpened == 1)
        #expect(try await impostor.snapshot().get().sessionsOpened == 0)
        #expect(await harness.directory.counters.routedAuthenticated >= 1)
    }
}
