import CMSDaemon
import CMSMail
import CMSModel
import CMSReconcile
import Foundation
import Logging
import MailTransport
import NXRSim
import NXRSimMemory
import TestSupport
import Testing

/// Mail alerts from a fleet of in-memory devices whose sessions are cut: the agents' NETCONF UP/DOWN reach the
/// ``TenantMailer`` through the context's event hook; mails go through an in-memory sender (the real SMTP exchange
/// is proven by `MailAlertPeerTests`). All on a manual clock.
@Suite(.tags(.core), .serialized) struct CoreMailAlertTests {
    /// The mails the mailer handed to its port.
    actor RecordingSender: MailSender {
        private(set) var sent: [OutgoingMail] = []
        func send(_ mail: OutgoingMail, via server: SMTPServerEndpoint) async throws(MailTransportError) -> MailDialogue {
            sent.append(mail)
            return MailDialogue(server: server.name, lines: ["S: 250 recorded"])
        }
        var texts: [String] { sent.map { String(decoding: $0.data, as: UTF8.self) } }
    }

    final class Fleet: Sendable {
        static let epoch: Int64 = 1_799_999_200 * 1_000_000
        let clock = ManualClock()
        let fleet = InMemoryFleet()
        let events = InMemoryEventStore()
        let sender = RecordingSender()
        let mailer: TenantMailer
        let context: DeviceContext
        let now: @Sendable () -> Timestamp

        init() {
            let clock = self.clock
            now = {
                let offset = clock.now.offset.components
                return Timestamp(
                    microsecondsSince1970: Self.epoch + offset.seconds * 1_000_000 + offset.attoseconds / 1_000_000_000_000)
            }
            var logger = Logger(label: "core.mail")
            logger.logLevel = .critical
            let mailer = TenantMailer(
                tenant: "century", store: InMemoryMailStore(), sender: sender, events: events, clock: clock, now: now,
                logger: logger, readSecret: { _, _ in "unused" })
            self.mailer = mailer
            let fleet = self.fleet
            var context = DeviceContext(
                tenant: "century", username: "admin", authentication: .password("unused-in-memory"), events: events,
                logger: logger, policy: LifecyclePolicy(backoff: Backoff(base: .seconds(1), cap: .seconds(1))),
                refreshInterval: .seconds(3600), now: now, jitter: { 0 },
                connect: DeviceConnector { request in
                    try await fleet.connect(host: request.host, port: request.port, policy: request.hostKey)
                },
                clock: clock)
            context.onEvents = { mailer.observe($0) }
            self.context = context
        }

        /// `count` devices, all in the monitor group, connected; the UP mail already sent and the interval over.
        func start(_ count: Int, calm: Mail.Calm = Mail.Calm(flapping: 3, massOutage: 10)) async throws
            -> [(InMemoryDevice, DeviceAgent)]
        {
            let codes = (1...count).map { String(format: "nxr%02d", $0) }
            let snapshot = TenantSnapshot(
                tenant: Tenant(code: "century", timeZone: "Asia/Tokyo"),
                devices: codes.map { Device(code: $0, name: "site \($0)", product: .nxr120) },
                groups: [Group(name: "monitored", type: .monitor, members: codes.map { Member(device: $0) })],
                mail: Mail(
                    subject: "[CMS century] NETCONF", minInterval: 300,
                    servers: [Mail.Server(name: "relay", host: "127.0.0.1", port: 25, from: "cms@example.jp", tls: .none)],
                    addressBook: [Mail.Contact(name: "noc", address: "noc@example.jp")], monitorRecipients: ["noc"],
                    calm: calm))
            await mailer.start()
            await mailer.configure(snapshot)
            var pairs: [(InMemoryDevice, DeviceAgent)] = []
            for (index, code) in codes.enumerated() {
                let device = InMemoryDevice(
                    identity: DeviceIdentity(
                        deviceCode: code, tenant: "century", product: "NXR-120", serial: DeviceIdentity.serial(for: code),
                        hostname: "nxr-" + code, firmwareVersion: "21.7.3"),
                    address: "127.79.0.\(index + 10)")
                await fleet.add(device)
                let agent = DeviceAgent(
                    expectation: DeviceExpectation(code: code, product: .nxr120), suspended: false, context: context)
                await agent.announce(ControlAddress(host: device.address, port: device.port), from: device.address)
                pairs.append((device, agent))
            }
            for (_, agent) in pairs { #expect(await settled { await agent.info().state == .connected }) }
            #expect(await settled { (try? await self.mailer.queueStatus().batchedEvents) == count })
            await clock.advance(by: .seconds(10))
            #expect(await settled { await self.sender.sent.count == 1 })
            await clock.advance(by: .seconds(300))
            return pairs
        }
    }

    @Test func theFirstConnectionsOfTheMonitorGroupAreOneUpMail() async throws {
        let fleet = Fleet()
        let pairs = try await fleet.start(4)
        let text = try #require(await fleet.sender.texts.first)
        #expect(text.components(separatedBy: "Event:NetConf UP").count - 1 == 4)
        #expect(text.contains("IP Address:127.79.0.10\r\n"), "the device's control address, without the port")
        for (_, agent) in pairs { await agent.shutdown() }
        await fleet.mailer.shutdown()
    }

    @Test func elevenDevicesCutWithinAMinuteAreOneMassOutageDigest() async throws {
        let fleet = Fleet()
        let pairs = try await fleet.start(12)
        for (device, _) in pairs.prefix(11) {
            await device.setOnline(false)
            await fleet.clock.advance(by: .milliseconds(500))
        }
        #expect(await settled { (try? await fleet.mailer.queueStatus().batchedEvents) == 11 })
        await fleet.clock.advance(by: .seconds(10))
        #expect(await settled { await fleet.sender.sent.count == 2 })
        let text = try #require(await fleet.sender.texts.last)
        #expect(text.contains("Subject: [CMS century] NETCONF - mass outage: 11 devices DOWN\r\n"))
        #expect(text.contains("Event:NetConf DOWN (mass outage: 11 devices within a minute)"))
        for code in (1...11).map({ String(format: "nxr%02d", $0) }) {
            #expect(text.contains("CPE ID:\(code) name:site \(code)"), "\(code) is named in the digest")
        }
        #expect(!text.contains("nxr12"))
        #expect(text.components(separatedBy: "Event:").count - 1 == 1, "one digest, not eleven blocks")
        for (_, agent) in pairs { await agent.shutdown() }
        await fleet.mailer.shutdown()
    }

    @Test func aDeviceThatFlapsIsOneLineWithCountAndFirstAndLastTimes() async throws {
        let fleet = Fleet()
        let pairs = try await fleet.start(2)
        let (device, agent) = pairs[0]
        for round in 1...3 {
            await device.dropSessions()
            #expect(await settled { await agent.info().state == .disconnected })
            // The reconnect backoff (1 s) on the manual clock, in small steps until the agent is back.
            var back = false
            for _ in 0..<20 where !back {
                await fleet.clock.advance(by: .milliseconds(500))
                back = await settled(timeout: .milliseconds(300)) { await agent.info().state == .connected }
            }
            #expect(back)
            #expect(await settled { (try? await fleet.mailer.queueStatus().batchedEvents) == round * 2 })
        }
        await fleet.clock.advance(by: .seconds(10))
        #expect(await settled { await fleet.sender.sent.count == 2 })
        let text = try #require(await fleet.sender.texts.last)
        #expect(text.contains("Event:NetConf FLAPPING (3 DOWN, 3 UP)\r\nCPE ID:nxr01\r\n"))
        #expect(text.contains("First:2027/01/15 16:51:50"))
        #expect(text.contains("Now:NetConf UP"))
        #expect(text.components(separatedBy: "Event:").count - 1 == 1, "one block for six events")
        for (_, agent) in pairs { await agent.shutdown() }
        await fleet.mailer.shutdown()
    }
}
