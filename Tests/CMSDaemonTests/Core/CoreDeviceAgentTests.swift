import CMSDaemon
import CMSModel
import CMSReconcile
import Logging
import NETCONF
import NETCONFClient
import NXRSim
import NXRSimMemory
import TestSupport
import Testing

/// ``DeviceAgent`` against in-memory devices and a manual clock: identification, host-key pinning (the key is
/// still presented and checked before any RPC), reconnect backoff and periodic refresh, without sockets or
/// real timers.
@Suite(.tags(.core)) struct CoreDeviceAgentTests {
    struct Setup {
        let clock = ManualClock()
        let fleet = InMemoryFleet()
        let events = InMemoryEventStore()
        let recorder = DeviceHarness.Recorder()

        func context(refreshInterval: Duration = .seconds(300)) -> DeviceContext {
            var logger = Logger(label: "core.agent")
            logger.logLevel = .critical
            let (fleet, recorder) = (self.fleet, self.recorder)
            return DeviceContext(
                tenant: "century", username: "admin", authentication: .password("unused-in-memory"), events: events,
                logger: logger, onReady: { code in Task { await recorder.becameReady(code) } },
                onPin: { code, key, serial in await recorder.pinned(code, key, serial) },
                policy: LifecyclePolicy(backoff: Backoff(base: .seconds(1), cap: .seconds(4))),
                refreshInterval: refreshInterval, jitter: { 0 },
                connect: DeviceConnector { request in
                    try await fleet.connect(host: request.host, port: request.port, policy: request.hostKey)
                },
                clock: clock)
        }

        func device(_ code: String, address: String) async -> InMemoryDevice {
            let device = InMemoryDevice(
                identity: DeviceIdentity(
                    deviceCode: code, tenant: "century", product: "NXR-120", serial: DeviceIdentity.serial(for: code),
                    hostname: "nxr-" + code, firmwareVersion: "21.7.3"),
                address: address)
            await fleet.add(device)
            return device
        }

        func events(_ type: EventType) async throws -> [Event] {
            try await events.search(EventQuery(tenant: "century", order: .ascending, limit: 1000)).filter { $0.type == type }
        }
    }

    @Test func anAnnouncedDeviceIsIdentifiedConnectedAndItsHostKeyPinned() async throws {
        let setup = Setup()
        let device = await setup.device("tokyo1", address: "127.78.0.2")
        let agent = DeviceAgent(
            expectation: DeviceExpectation(code: "tokyo1", product: .nxr120), suspended: false, context: setup.context())
        await agent.announce(ControlAddress(host: device.address, port: device.port), from: device.address)
        #expect(await settled { await agent.info().state == .connected })
        let info = await agent.info()
        let fingerprint = await device.hostKeyFingerprint
        #expect(info.identity?.cpeID == "tokyo1")
        #expect(info.identity?.serial == device.identity.serial)
        #expect(info.hostKey == fingerprint)
        #expect(info.interfaces.contains { $0.name == "ethernet0" })
        #expect(info.capabilities.contains(Capability.candidate))
        #expect(await settled { await setup.recorder.ready == ["tokyo1"] })
        #expect(await setup.recorder.pins == [.init(code: "tokyo1", hostKey: fingerprint, serial: device.identity.serial)])
        #expect(try await setup.events(.deviceHostKeyPinned).first?.details["fingerprint"] == fingerprint)
        await agent.shutdown()
    }

    @Test func anImpostorWithAnotherHostKeyIsBlockedBeforeReceivingAnyRPC() async throws {
        let setup = Setup()
        let device = await setup.device("osaka1", address: "127.78.0.3")
        let agent = DeviceAgent(
            expectation: DeviceExpectation(code: "osaka1", product: .nxr120), suspended: false, context: setup.context())
        let address = ControlAddress(host: device.address, port: device.port)
        await agent.announce(address)
        #expect(await settled { await agent.info().state == .connected })
        let rpcs = await device.rpcsReceived
        let sessions = await device.sessionsOpened

        // Another machine takes the address with its own key.
        let impostor = await device.rotateHostKey()
        #expect(await settled { await agent.info().state == .disconnected })
        #expect(await setup.clock.waitForSleepers(1))
        await setup.clock.advance(by: .seconds(1))
        #expect(await settled { await agent.info().hostKeyBlocked })
        let mismatch = try #require(try await setup.events(.deviceHostKeyMismatch).first)
        #expect(mismatch.details["presented"] == impostor || mismatch.details.values.contains(impostor))
        #expect(await device.rpcsReceived == rpcs, "no RPC reached the impostor")
        #expect(await device.sessionsOpened == sessions, "no session was opened with the impostor")
        await agent.shutdown()
    }

    @Test func aDroppedSessionReconnectsAfterTheBackoffWhenTheClockGetsThere() async throws {
        let setup = Setup()
        let device = await setup.device("sendai1", address: "127.78.0.4")
        let agent = DeviceAgent(
            expectation: DeviceExpectation(code: "sendai1", product: .nxr120), suspended: false, context: setup.context())
        await agent.announce(ControlAddress(host: device.address, port: device.port))
        #expect(await settled { await agent.info().state == .connected })

        await device.setOnline(false)
        #expect(await settled { await agent.info().state == .disconnected })
        #expect(try await settled { try await setup.events(.deviceDisconnected).count == 1 })
        // Each retry waits for the backoff on the manual clock; while the device is off they fail.
        #expect(await setup.clock.waitForSleepers(1))
        await setup.clock.advance(by: .seconds(1))
        #expect(try await settled { try await setup.events(.deviceConnectFailed).count >= 1 })
        #expect(await agent.info().state == .disconnected)

        await device.setOnline(true)
        #expect(await setup.clock.waitForSleepers(1))
        await setup.clock.advance(by: .seconds(4))
        #expect(await settled { await agent.info().state == .connected })
        #expect(await agent.info().consecutiveFailures == 0)
        #expect(await settled { await setup.recorder.ready == ["sendai1", "sendai1"] })
        await agent.shutdown()
    }

    @Test func thePeriodicRefreshReadsHealthWhenTheIntervalPasses() async throws {
        let setup = Setup()
        let device = await setup.device("naha1", address: "127.78.0.5")
        // The notification subscription goes out on its own task: count the RPCs only once it has,
        // else it may land after the count and read as an early refresh.
        let subscribed = Locked(false)
        await device.setAfterRPC { name in
            if name == "create-subscription" { subscribed.withLockedValue { $0 = true } }
        }
        let agent = DeviceAgent(
            expectation: DeviceExpectation(code: "naha1", product: .nxr120), suspended: false,
            context: setup.context(refreshInterval: .seconds(300)))
        await agent.announce(ControlAddress(host: device.address, port: device.port))
        #expect(await settled { await agent.info().state == .connected })
        #expect(await settled { subscribed.withLockedValue { $0 } })
        #expect(await setup.clock.waitForSleepers(1))
        let rpcs = await device.rpcsReceived
        await setup.clock.advance(by: .seconds(299))
        #expect(await device.rpcsReceived == rpcs, "no refresh before the interval")
        await setup.clock.advance(by: .seconds(1))
        #expect(await settled { await device.rpcsReceived > rpcs })
        #expect(await agent.info().state == .connected)
        await agent.shutdown()
    }
}
