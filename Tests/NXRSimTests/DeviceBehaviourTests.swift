import CRP
import Foundation
import NETCONF
import Testing
@testable import NXRSim

/// A device over real SSH: identity, vendor RPCs, CRP announcements, reboot, persistence.
@Suite struct DeviceBehaviourTests {
    @Test func getReportsIdentityStateAndInterfaces() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "ident1", product: "NXR-230")
        let result = try await SSHNetconf.run(fleet, device, ["<get/>"])
        let snapshot = try await device.snapshot().get()
        for leaf in [
            "<serial>\(snapshot.identity.serial)</serial>", "<product>NXR-230</product>",
            "<firmware-version>21.7.3</firmware-version>", "<uptime>", "<load-average><one>",
            "<memory><total>", "<hostname>nxr-ident1</hostname>",
            "<ip>\(snapshot.address)</ip><prefix-length>32</prefix-length><origin>dhcp</origin>",
            "<oper-status>up</oper-status>",
        ] {
            #expect(result.stdout.contains(leaf), "get lacks \(leaf)")
        }
        #expect(snapshot.identity.serial.count == 11 && snapshot.identity.serial.allSatisfy(\.isNumber))
    }

    @Test func vendorRPCsAnswerPlausibly() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "vendor1")
        let result = try await SSHNetconf.run(
            fleet, device,
            [
                SSHNetconf.vendor("<show NXR><args>version</args></show>"),
                SSHNetconf.vendor("<ping NXR><destination>192.0.2.1</destination><count>3</count></ping>"),
                SSHNetconf.vendor("<get-syslog NXR><lines>50</lines></get-syslog>"),
                SSHNetconf.vendor("<config-backup NXR><format>xml</format></config-backup>"),
                SSHNetconf.vendor("<show NXR><args>bogus</args></show>"),
                SSHNetconf.vendor("<ping NXR><destination>192.0.2.1</destination><count>99</count></ping>"),
            ])
        let replies = result.stdout.components(separatedBy: "]]>]]>")
        #expect(replies.count >= 7)
        #expect(replies[1].contains("NXR-120 Series ver 21.7.3"))
        #expect(replies[2].contains("3 packets transmitted, 3 packets received") && replies[2].contains("<transmitted"))
        #expect(replies[3].contains("netconf: session 1 started"))
        let content = replies[4].components(separatedBy: "content")[1].split(separator: ">")[1].split(separator: "<")[0]
        let decoded = String(decoding: Data(base64Encoded: String(content)) ?? Data(), as: UTF8.self)
        #expect(decoded.contains("<hostname>nxr-vendor1</hostname>"), "config-backup content: \(decoded)")
        #expect(replies[5].contains("invalid-value"))
        #expect(replies[6].contains("invalid-value"))
    }

    @Test func itAnnouncesAtStartAndEveryKeepalive() async throws {
        let collector = try await CRPCollector()
        defer { Task { await collector.close() } }
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "crp1", crpServer: collector.address, keepalive: 0.2)
        #expect(await SSHNetconf.eventually { collector.announcements.count >= 3 })
        let snapshot = try await device.snapshot().get()
        let first = try #require(collector.announcements.first)
        #expect(first.customerID == "century")
        #expect(first.cpeID == "crp1")
        #expect(first.serial == snapshot.identity.serial)
        #expect(first.product == "NXR-120")
        #expect(first.advertise.description.contains(snapshot.address))
        #expect(first.advertise.port == UInt16(snapshot.port))
        #expect(first.bootID == 1)
        #expect(collector.announcements.prefix(3).map(\.sequence) == [1, 2, 3])
    }

    @Test func announcementsAreSignedWithTheTenantSecret() async throws {
        let secret = Array("s3cret".utf8)
        let signed = try await CRPCollector(secret: secret)
        defer { Task { await signed.close() } }
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        try await fleet.start(code: "signed1", crpServer: signed.address, crpSecret: secret)
        #expect(await SSHNetconf.eventually { signed.announcements.count >= 1 })
        let wrong = try await CRPCollector(secret: Array("other".utf8))
        defer { Task { await wrong.close() } }
        let device = try await fleet.start(code: "signed2", crpServer: wrong.address, crpSecret: secret)
        try await device.announceNow().get()
        try await Task.sleep(for: .milliseconds(300))
        #expect(wrong.announcements.isEmpty, "a listener with another secret rejects them")
    }

    @Test func rebootDropsSessionsAndComesBackWithANewBootID() async throws {
        let collector = try await CRPCollector()
        defer { Task { await collector.close() } }
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "reboot1", rebootDelay: 0.5, crpServer: collector.address)
        let result = try await SSHNetconf.run(fleet, device, [SSHNetconf.vendor("<reboot NXR/>")], close: false)
        #expect(result.stdout.contains("<ok/>"))
        // The session was cut by the reboot (no reply to a close-session it never sent, ssh returned).
        #expect(
            try await SSHNetconf.eventually {
                let snapshot = try await device.snapshot().get()
                return snapshot.bootCount == 2 && snapshot.lifecycle == .running
            })
        let syslog = try await device.syslogLines().get().joined(separator: "\n")
        #expect(syslog.contains("system: reboot (netconf reboot)"))
        #expect(await SSHNetconf.eventually { collector.announcements.contains { $0.bootID == 2 && $0.sequence == 1 } })
        let again = try await SSHNetconf.run(fleet, device, ["<get-config><source><running/></source></get-config>"])
        #expect(again.status == 0)
    }

    @Test func configAndHostKeySurviveARestartOfTheProcess() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "persist1")
        let edit =
            "<edit-config><target><running/></target><config><system xmlns=\"\(SimModel.namespace)\"><hostname>kept</hostname></system></config></edit-config>"
        let result = try await SSHNetconf.run(fleet, device, [edit])
        #expect(result.stdout.contains("<ok/>"))
        let before = try await device.snapshot().get()
        try await device.stop().get()
        let reborn = try SimulatedDevice(
            settings: device.settings, eventLoop: TestFleet.group.next(), clock: VirtualClock(), logger: device.logger)
        try await reborn.start().get()
        defer { _ = reborn.stop() }
        let running = try await reborn.runningTree().get()
        #expect(running.child("system", namespace: SimModel.namespace)?.child("hostname")?.text == "kept")
        #expect(try await reborn.snapshot().get().hostKey == before.hostKey)
        #expect(try await reborn.snapshot().get().bootCount == 2)
    }

    @Test func ipsecStatusIsUpOnlyWhenThePeerHoldsTheMirrorPolicy() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let a = try await fleet.start(code: "ipseca")
        let b = try await fleet.start(code: "ipsecb")
        let addressA = try await a.snapshot().get().address
        let addressB = try await b.snapshot().get().address
        func policy(peer: String, local: String, remote: String) -> String {
            """
            <edit-config><target><running/></target><config><ipsec xmlns="\(SimModel.namespace)">\
            <ike-policy><name>cms-g-peer</name><local-id><type>fqdn</type><value>a.example</value></local-id>\
            <remote-id><type>fqdn</type><value>b.example</value></remote-id><peer-address>\(peer)</peer-address>\
            </ike-policy>\
            <ipsec-policy><name>cms-g-peer</name><ike-policy>cms-g-peer</ike-policy>\
            <local-interface>ethernet1</local-interface><local-network>\(local)</local-network><remote-network>\(remote)</remote-network></ipsec-policy>\
            </ipsec></config></edit-config>
            """
        }
        let status = SSHNetconf.vendor("<get-ipsec-status NXR/>")
        _ = try await SSHNetconf.run(fleet, a, [policy(peer: addressB, local: "10.1.0.0/24", remote: "10.2.0.0/24")])
        let lonely = try await SSHNetconf.run(fleet, a, [status])
        #expect(lonely.stdout.contains("<outbound>down</outbound>"))
        _ = try await SSHNetconf.run(fleet, b, [policy(peer: addressA, local: "10.2.0.0/24", remote: "10.1.0.0/24")])
        let paired = try await SSHNetconf.run(fleet, a, [status])
        #expect(paired.stdout.contains("<outbound>up</outbound><inbound>up</inbound>"), "\(paired.stdout)")
        _ = try await SSHNetconf.run(fleet, b, [policy(peer: addressA, local: "10.9.0.0/24", remote: "10.1.0.0/24")])
        let mismatched = try await SSHNetconf.run(fleet, a, [status])
        #expect(mismatched.stdout.contains("<outbound>down</outbound>"))
    }
}
