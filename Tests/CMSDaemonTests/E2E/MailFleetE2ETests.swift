import CMSDaemon
import CMSModel
import Foundation
import NIOCore
import NXRSim
import TestSupport
import Testing

/// The whole path on real sockets and real time: `cmsd` follows the example repository (its monitor group:
/// star_center, star_backup, shinjuku, kichijoji; shinjuku's pinned host key keeps it out), an `nxr-sim` fleet
/// connects, the monitor group's UP mail goes to aiosmtpd on loopback; then the three connected monitored simulators
/// are cut and one mass-outage digest names them.
@Suite(.tags(.peer), .serialized) struct MailFleetE2ETests {
    static let monitored = ["star_center", "star_backup", "kichijoji"]

    @Test func cuttingTheMonitoredSimulatorsIsOneMassOutageMail() async throws {
        let smtp = try SMTPPeer()
        defer { smtp.stop() }
        let harness = try ReconcileHarness()
        try harness.write(
            "mail.yaml",
            """
            apiVersion: cms/v1
            kind: Mail
            subject: "[CMS century] 監視グループ"
            minInterval: 30
            servers:
              - {name: loopback, host: 127.0.0.1, port: \(smtp.port), from: cms@century.example.jp, tls: none}
            addressBook:
              - {name: noc, address: noc@century.example.jp}
            monitorRecipients: [noc]
            calm: {massOutage: 2}

            """)
        _ = try harness.commit("mail to the loopback SMTP server")
        try await harness.start()
        let daemon = try #require(harness.daemon)

        // Every monitored device came up: their UPs are mailed (10 s after the first, maybe in two mails).
        #expect(
            await eventuallyTrue(timeout: .seconds(90)) {
                let texts = try smtp.messageFiles().map { try DecodedMail.decode($0).body }.joined()
                return Self.monitored.allSatisfy { texts.contains("CPE ID:\($0)\n") }
            })
        let before = try smtp.messages().count

        for code in Self.monitored {
            try await #require(harness.fleet.device(code)).stop().get()
        }
        #expect(
            await eventuallyTrue(timeout: .seconds(90)) {
                try smtp.messages().count > before
            })
        let digest = try DecodedMail.decode(try #require(try smtp.messageFiles().last))
        #expect(digest.subject == "[CMS century] 監視グループ - mass outage: 3 devices DOWN")
        for code in Self.monitored { #expect(digest.body.contains("CPE ID:\(code) name:")) }
        #expect(digest.body.components(separatedBy: "Event:").count - 1 == 1)
        let sent = try await harness.events(.mailSent)
        #expect(sent.count == before + 1)
        #expect(sent.allSatisfy { $0.details["server"] == "loopback" && $0.details["recipients"] == "1" })
        let queue = try await daemon.mailQueue(ReconcileHarness.tenant)
        #expect(queue.configured && queue.monitored == 4 && queue.pending.isEmpty)
        await harness.stop()
    }
}
