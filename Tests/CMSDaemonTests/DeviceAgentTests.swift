import CMSDaemon
import CMSModel
import CMSReconcile
import CRP
import Foundation
import NETCONF
import NETCONFClient
import NXRSim
import Testing

/// Device agents against real simulated NXRs on loopback: CRP → identification → persistent session.
@Suite(.serialized, .tags(.peer)) struct DeviceAgentTests {
    @Test func aDeviceThatAnnouncesItselfIsIdentifiedConnectedAndItsHostKeyPinned() async throws {
        let harness = try await DeviceHarness()
        defer { Task { await harness.stop() } }
        let agent = harness.agent(code: "tokyo1")
        await harness.directory.setDevices(tenant: "century", agents: ["tokyo1": agent], serials: [:], suspended: [])
        let sim = try await harness.device(code: "tokyo1")
        let snapshot = try await sim.snapshot().get()

        #expect(await eventually { await agent.info().state == .connected })
        let info = await agent.info()
        #expect(info.identity?.cpeID == "tokyo1")
        #expect(info.identity?.serial == snapshot.identity.serial)
        #expect(info.identity?.product == "NXR-120")
        #expect(info.identity?.hostname == snapshot.identity.hostname)
        #expect(info.identity?.firmwareVersion == snapshot.identity.firmwareVersion)
        #expect(info.address == ControlAddress(host: snapshot.address, port: snapshot.port))
        #expect(info.announcedFrom == snapshot.address)
        #expect(info.hostKey == snapshot.hostKeyFingerprint)
        #expect(!info.hostKeyBlocked)
        #expect(info.uptimeSeconds != nil)
        #expect(info.loadAverage?.count == 3)
        #expect((info.memoryTotalKiB ?? 0) > 0 && (info.memoryUsedKiB ?? 0) > 0)
        #expect(info.interfaces.contains { $0.name == "ethernet0" && $0.addresses.contains("192.168.0.254/24") })
        #expect(info.capabilities.contains(Capability.candidate))
        #expect(info.lastAnnouncement != nil)

        // Learned facts are persisted, then the reconciler is told.
        #expect(await eventually { await harness.recorder.ready == ["tokyo1"] })
        let pins = await harness.recorder.pins
        #expect(pins == [.init(code: "tokyo1", hostKey: snapshot.hostKeyFingerprint, serial: snapshot.identity.serial)])
        let types = try await harness.allEvents().map(\.type)
        #expect(
            types == [.crpAddressNotified, .deviceHostKeyPinned, .deviceSerialRegistered, .deviceConnectSucceeded])
        let pinned = try await harness.events(.deviceHostKeyPinned)
        #expect(pinned.first?.details["fingerprint"] == snapshot.hostKeyFingerprint)
        #expect(pinned.first?.device == "tokyo1")
    }

    @Test func anImpostorWithAnotherHostKeyIsBlockedBeforeReceivingAnyRPC() async throws {
        let harness = try await DeviceHarness()
        defer { Task { await harness.stop() } }
        let agent = harness.agent(code: "tokyo1")
        await harness.directory.setDevices(tenant: "century", agents: ["tokyo1": agent], serials: [:], suspended: [])
        let real = try await harness.device(code: "tokyo1")
        #expect(await eventually { await agent.info().state == .connected })
        let realKey = try await real.snapshot().get().hostKeyFingerprint

        // Another box, same tenant and code, its own host key, announcing itself elsewhere.
        let impostor = try await harness.device(code: "tokyo1")
        let impostorSnapshot = try await impostor.snapshot().get()
        #expect(impostorSnapshot.hostKeyFingerprint != realKey)

        #expect(await eventually { await agent.info().hostKeyBlocked })
        #expect(try await eventually { try await !harness.events(.deviceHostKeyMismatch).isEmpty })
        let info = await agent.info()
        #expect(info.state == .disconnected)
        #expect(info.hostKey == realKey)
        let mismatches = try await harness.events(.deviceHostKeyMismatch)
        #expect(mismatches.count == 1)
        #expect(mismatches.first?.details["fingerprint"] == impostorSnapshot.hostKeyFingerprint)
        #expect(mismatches.first?.details["expected"] == realKey)
        #expect(
            mismatches.first?.details["address"]
                == ControlAddress(host: impostorSnapshot.address, port: impostorSnapshot.port).description)

        // The key check ran before authentication: the impostor never saw a session, let alone an RPC.
        let after = try await impostor.snapshot().get()
        #expect(after.sessionsOpened == 0)
        #expect(after.rpcsReceived == 0)
        // The pin did not move, and the blocked device ignores further announcements.
        #expect(await harness.recorder.pins.allSatisfy { $0.hostKey == realKey })
        try await impostor.announceNow().get()
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await impostor.snapshot().get().sessionsOpened == 0)
        #expect(await agent.info().state == .disconnected)
        await #expect(throws: DeviceUnavailable.self) { try await agent.withSession { _ in 1 } }
    }

    @Test func aPinDeclaredInTheDesiredStateReplacesTheLearnedOne() async throws {
        let harness = try await DeviceHarness()
        defer { Task { await harness.stop() } }
        let agent = harness.agent(code: "hiroshima1")
        let sim = try await harness.device(code: "hiroshima1", announce: false)
        await agent.announce(try await harness.address(of: sim))
        #expect(await eventually { await agent.info().state == .connected })
        let learned = try await sim.snapshot().get().hostKeyFingerprint

        // A revision without a key keeps the learned pin.
        await agent.update(expectation: DeviceExpectation(code: "hiroshima1", product: .nxr120), suspended: false)
        #expect(await agent.info().hostKey == learned)
        #expect(await agent.info().state == .connected)

        // A revision declaring another key: the open session does not match it, so it goes, and
        // the reconnect is refused by the new pin.
        let declared = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        await agent.update(
            expectation: DeviceExpectation(code: "hiroshima1", product: .nxr120, hostKey: declared), suspended: false)
        #expect(await eventually { await agent.info().hostKeyBlocked })
        #expect(
            try await eventually {
                try await harness.events(.deviceHostKeyMismatch).first?.details["expected"] == declared
            })
        #expect(try await sim.snapshot().get().sessionsOpened == 1)

        // Declaring the device's real key lifts the block and it connects again.
        await agent.update(
            expectation: DeviceExpectation(code: "hiroshima1", product: .nxr120, hostKey: learned), suspended: false)
        #expect(await eventually { await agent.info().state == .connected })
        #expect(await !agent.info().hostKeyBlocked)
        #expect(try await sim.snapshot().get().sessionsOpened == 2)
    }

    @Test func aProductMismatchIsReportedAndTheKeySeenIsNotPinned() async throws {
        let harness = try await DeviceHarness()
        defer { Task { await harness.stop() } }
        let agent = harness.agent(
            code: "nagoya1", product: .nxr230, context: harness.context(backoff: Backoff(base: .seconds(30))))
        await harness.directory.setDevices(tenant: "century", agents: ["nagoya1": agent], serials: [:], suspended: [])
        _ = try await harness.device(code: "nagoya1", product: "NXR-120")

        #expect(try await eventually { try await !harness.events(.deviceProductMismatch).isEmpty })
        let mismatch = try #require(try await harness.events(.deviceProductMismatch).first)
        #expect(mismatch.details["actual"] == "NXR-120")
        #expect(mismatch.details["expected"] == "NXR-230")
        let info = await agent.info()
        #expect(info.state == .disconnected)
        #expect(info.hostKey == nil)
        #expect(info.identity == nil)
        #expect(await harness.recorder.pins.isEmpty)
        #expect(await harness.recorder.ready.isEmpty)
        #expect(try await harness.events(.deviceHostKeyPinned).isEmpty)
    }

    @Test func aDeviceTooSlowToIdentifyTimesOutAndIsRetried() async throws {
        let harness = try await DeviceHarness()
        defer { Task { await harness.stop() } }
        let context = harness.context(
            backoff: Backoff(base: .milliseconds(300), cap: .seconds(1)), identificationTimeout: .milliseconds(800))
        let agent = harness.agent(code: "kyoto1", context: context)
        let sim = try await harness.device(code: "kyoto1", announce: false)
        var slow = DeviceFaults()
        slow.replyDelay = 3
        try await sim.setFaults(slow).get()
        await agent.announce(try await harness.address(of: sim))

        #expect(try await eventually { try await !harness.events(.deviceIdentifyTimedOut).isEmpty })
        #expect(await agent.info().state != .connected)
        #expect(await harness.recorder.pins.isEmpty)
        // Fast again: a retry identifies it.
        try await sim.setFaults(DeviceFaults()).get()
        #expect(await eventually { await agent.info().state == .connected })
        #expect(await agent.info().hostKey == (try await sim.snapshot().get().hostKeyFingerprint))
    }

    @Test func aSuspendedDevicesAnnouncementIsDiscarded() async throws {
        let harness = try await DeviceHarness()
        defer { Task { await harness.stop() } }
        let agent = harness.agent(code: "kobe1", suspended: true)
        await harness.directory.setDevices(
            tenant: "century", agents: ["kobe1": agent], serials: [:], suspended: ["kobe1"])
        let sim = try await harness.device(code: "kobe1")

        #expect(await eventually { await harness.directory.counters.suspendedDevice >= 1 })
        try await Task.sleep(for: .milliseconds(200))
        #expect(await agent.info().state == .suspended)
        #expect(await agent.info().lastAnnouncement == nil)
        let snapshot = try await sim.snapshot().get()
        #expect(snapshot.sessionsOpened == 0)
        #expect(try await harness.events(.crpAddressNotified).isEmpty)

        // Resumed by a new revision: the next announcement connects it.
        await agent.update(expectation: DeviceExpectation(code: "kobe1", product: .nxr120), suspended: false)
        await harness.directory.setDevices(tenant: "century", agents: ["kobe1": agent], serials: [:], suspended: [])
        #expect(await agent.info().state == .awaitingAddress)
        try await sim.announceNow().get()
        #expect(await eventually { await agent.info().state == .connected })
        #expect(try await eventually { try await harness.events(.deviceResumed).count == 1 })
    }

    @Test func announcementsFromUnregisteredDevicesAndUnknownTenantsAreReportedNotRouted() async throws {
        let harness = try await DeviceHarness()
        defer { Task { await harness.stop() } }
        let agent = harness.agent(code: "tokyo1")
        await harness.directory.setDevices(tenant: "century", agents: ["tokyo1": agent], serials: [:], suspended: [])
        let stranger = try await harness.device(code: "osaka9")
        let strangerSnapshot = try await stranger.snapshot().get()
        let foreign = try await harness.device(code: "tokyo1", tenant: "othertenant")

        #expect(try await eventually { try await !harness.events(.crpUnregisteredDevice).isEmpty })
        let event = try #require(try await harness.events(.crpUnregisteredDevice).first)
        #expect(event.device == "osaka9")
        #expect(event.details["address"] == "\(strangerSnapshot.address):\(strangerSnapshot.port)")
        #expect(event.details["serial"] == strangerSnapshot.identity.serial)
        #expect(await eventually { await harness.directory.counters.unknownTenant >= 1 })
        // Neither reached the tenant's agent, nor got a session.
        #expect(await agent.info().state == .awaitingAddress)
        #expect(try await stranger.snapshot().get().sessionsOpened == 0)
        #expect(try await foreign.snapshot().get().sessionsOpened == 0)
        #expect(try await harness.events(.crpAddressNotified).isEmpty)
    }

    @Test func aDeviceRegisteredBySerialIsFoundByItsSerial() async throws {
        let harness = try await DeviceHarness()
        defer { Task { await harness.stop() } }
        let serial = "01234567890"
        let agent = harness.agent(code: serial)
        await harness.directory.setDevices(tenant: "century", agents: [serial: agent], serials: [:], suspended: [])
        let sim = try await harness.device(code: serial)
        #expect(await eventually { await agent.info().state == .connected })
        #expect(await agent.info().identity?.serial == serial)
        #expect(await agent.info().identity?.cpeID == nil)
        #expect(try await sim.snapshot().get().sessionsOpened == 1)
    }

    @Test func anotherDeviceClaimingTheAddressOfAConnectedOneIsADuplicate() async throws {
        let harness = try await DeviceHarness()
        defer { Task { await harness.stop() } }
        let first = harness.agent(code: "tokyo1")
        let second = harness.agent(code: "tokyo2")
        await harness.directory.setDevices(
            tenant: "century", agents: ["tokyo1": first, "tokyo2": second], serials: [:], suspended: [])
        let sim = try await harness.device(code: "tokyo1")
        #expect(await eventually { await first.info().state == .connected })
        let address = try await harness.address(of: sim)

        let claim = Announcement(
            customerID: "century", cpeID: "tokyo2", product: "NXR-120",
            advertise: .init(address: try #require(IPAddress(address.host)), port: UInt16(address.port)),
            bootID: 1, sequence: 1)
        await harness.directory.route(claim, from: "127.0.0.1")

        let duplicates = try await harness.events(.crpAddressDuplicate)
        #expect(duplicates.count == 1)
        #expect(duplicates.first?.device == "tokyo2")
        #expect(duplicates.first?.details["other"] == "tokyo1")
        #expect(duplicates.first?.details["address"] == address.description)
        #expect(await second.info().state == .awaitingAddress)
        #expect(await first.info().state == .connected)
        #expect(await harness.directory.counters.duplicateAddress == 1)
    }

    @Test func announcementsBeyondTheDeviceRateLimitAreDropped() async throws {
        let harness = try await DeviceHarness(
            directoryLimits: DeviceDirectory.Limits(deviceBurst: 2, deviceRefillPerSecond: 0.001))
        defer { Task { await harness.stop() } }
        let claim = Announcement(
            customerID: "century", cpeID: "ghost1", product: "NXR-120",
            advertise: .init(address: .v4(127, 0, 0, 9), port: 22), bootID: 1, sequence: 1)
        await harness.directory.setDevices(tenant: "century", agents: [:], serials: [:], suspended: [])
        for _ in 0..<5 { await harness.directory.route(claim, from: "127.0.0.9") }
        #expect(try await harness.events(.crpUnregisteredDevice).count == 2)
        #expect(await harness.directory.counters.rateLimitedDevice == 3)
    }

    @Test func aDroppedSessionGoesDisconnectedAndReconnectsWithBackoffWhenTheDeviceIsBack() async throws {
        let harness = try await DeviceHarness()
        defer { Task { await harness.stop() } }
        let agent = harness.agent(code: "sendai1")
        let sim = try await harness.device(code: "sendai1", announce: false)
        await agent.announce(try await harness.address(of: sim))
        #expect(await eventually { await agent.info().state == .connected })

        try await sim.stop().get()
        #expect(await eventually { await agent.info().state == .disconnected })
        #expect(try await eventually { try await harness.events(.deviceDisconnected).count == 1 })
        // While it is away, retries fail and back off.
        #expect(try await eventually { try await harness.events(.deviceConnectFailed).count >= 2 })
        #expect(await agent.info().consecutiveFailures >= 2)

        // Back (without announcing itself): the next retry finds it.
        try await sim.start().get()
        #expect(await eventually { await agent.info().state == .connected })
        #expect(await agent.info().consecutiveFailures == 0)
        #expect(try await eventually { try await harness.events(.deviceConnectSucceeded).count == 2 })
        #expect(await eventually { await harness.recorder.ready == ["sendai1", "sendai1"] })
        #expect(try await sim.snapshot().get().sessionsOpened == 2)
    }

    @Test func withSessionMarksTheDeviceCommunicatingAndASessionFailureReconnects() async throws {
        let harness = try await DeviceHarness()
        defer { Task { await harness.stop() } }
        let agent = harness.agent(code: "sapporo1")
        await #expect(throws: DeviceUnavailable.self) { try await agent.withSession { _ in 1 } }
        let sim = try await harness.device(code: "sapporo1", announce: false)
        await agent.announce(try await harness.address(of: sim))
        #expect(await eventually { await agent.info().state == .connected })

        let (during, hostname) = try await agent.withSession { session in
            let state = await agent.info().state
            let config = try await session.getConfig(source: .running)
            let name = config.child("system", namespace: "urn:cms:nxr:1.0")?.childText(
                "hostname", namespace: "urn:cms:nxr:1.0")
            return (state, name)
        }
        #expect(during == .communicating)
        #expect(hostname == "nxr-sapporo1")
        #expect(await agent.info().state == .connected)

        // An rpc-error is the operation's business: the session stays.
        await #expect(throws: RPCError.self) {
            try await agent.withSession { session in
                try await session.rpc(XMLElement("no-such-operation", namespace: "urn:example:none"), timeout: nil)
            }
        }
        #expect(await agent.info().state == .connected)

        // The session dies under the operation: disconnected, then back by itself.
        var faults = DeviceFaults()
        faults.dropSessionMidRPC = true
        try await sim.setFaults(faults).get()
        await #expect(throws: NETCONFClientError.self) {
            try await agent.withSession { session in try await session.getConfig(source: .running) }
        }
        #expect(await agent.info().state != .connected)
        try await sim.setFaults(DeviceFaults()).get()
        #expect(await eventually { await agent.info().state == .connected })
        #expect(try await eventually { try await harness.events(.deviceDisconnected).count == 1 })
    }

    @Test func interfacesChangedOnTheDeviceAreReportedAndReadAgain() async throws {
        let harness = try await DeviceHarness()
        defer { Task { await harness.stop() } }
        let agent = harness.agent(code: "fukuoka1")
        let sim = try await harness.device(code: "fukuoka1", announce: false)
        await agent.announce(try await harness.address(of: sim))
        #expect(await eventually { await agent.info().state == .connected })
        #expect(await !agent.info().interfaces.contains { $0.addresses.contains("10.9.8.7/24") })

        let ns = "urn:cms:nxr:1.0"
        let edit = XMLElement(
            "interfaces", namespace: ns,
            elements: [
                XMLElement(
                    "interface", namespace: ns,
                    elements: [
                        XMLElement("name", namespace: ns, text: "ethernet2"),
                        XMLElement(
                            "ipv4", namespace: ns,
                            elements: [
                                XMLElement(
                                    "address", namespace: ns,
                                    elements: [
                                        XMLElement("ip", namespace: ns, text: "10.9.8.7"),
                                        XMLElement("prefix-length", namespace: ns, text: "24"),
                                    ])
                            ]),
                    ])
            ])
        #expect(try await sim.changeOutOfBand([edit]).get().isEmpty)

        #expect(try await eventually { try await harness.events(.deviceInterfacesChanged).count == 1 })
        #expect(await eventually { await agent.info().interfaces.contains { $0.addresses.contains("10.9.8.7/24") } })
    }

    @Test func thePeriodicRefreshReadsHealthAgain() async throws {
        let harness = try await DeviceHarness()
        defer { Task { await harness.stop() } }
        let agent = harness.agent(code: "naha1", context: harness.context(refreshInterval: .milliseconds(300)))
        let sim = try await harness.device(code: "naha1", announce: false)
        await agent.announce(try await harness.address(of: sim))
        #expect(await eventually { await agent.info().state == .connected })
        let first = try #require(await agent.info().lastRefresh)
        let rpcs = try await sim.snapshot().get().rpcsReceived
        #expect(await eventually { (await agent.info().lastRefresh ?? first) > first })
        #expect(try await sim.snapshot().get().rpcsReceived > rpcs)
        #expect(await agent.info().state == .connected)
    }

    @Test func removingADeviceClosesItsSessionAndRecordsTheDeletion() async throws {
        let harness = try await DeviceHarness()
        defer { Task { await harness.stop() } }
        let agent = harness.agent(code: "chiba1")
        let sim = try await harness.device(code: "chiba1", announce: false)
        await agent.announce(try await harness.address(of: sim))
        #expect(await eventually { await agent.info().state == .connected })
        #expect(try await sim.snapshot().get().sessions.count == 1)

        await agent.remove()
        #expect(try await harness.events(.deviceDeleted).count == 1)
        #expect(try await eventually { try await sim.snapshot().get().sessions.isEmpty })
        await #expect(throws: DeviceUnavailable.self) { try await agent.withSession { _ in 1 } }
    }
}
