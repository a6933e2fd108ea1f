import CMSDaemon
import CMSMail
import CMSModel
import CMSStore
import Foundation
import Logging
import NXRSim
import TestSupport
import Testing

/// `kill -9` of a real `cmsd` process with mail alerts in flight (issue 14): once with a mail queued and failing
/// (its SMTP server down), once with monitor events batched and not yet due. Each restarted `cmsd` delivers what was
/// due to a real aiosmtpd — every alert exactly once, each mail under the Message-ID it was queued with.
@Suite(.serialized, .tags(.peer)) struct MailCrashTests {
    static let monitored = ["star_center", "star_backup", "kichijoji"]

    static func kill9(_ process: Process) {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The mail queue and policy as `cmsd` left them (read from its SQLite file while it runs or after it died).
    static func mailStore(_ harness: ReconcileHarness) async -> SQLiteMailStore? {
        let path = harness.data + "/" + SQLiteMailStore.fileName
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try? SQLiteMailStore(path: path)
    }

    /// Each alert block of every received mail (`Event:…` up to the `TimeStamp:` line), with the mail's Message-ID.
    static func alerts(_ smtp: SMTPPeer) throws -> [(block: String, messageID: String)] {
        try smtp.messageFiles().flatMap { file -> [(String, String)] in
            let mail = try DecodedMail.decode(file)
            return mail.body.components(separatedBy: "Event:").dropFirst().map { ("Event:" + $0, mail.messageID) }
        }
    }

    @Test func killedWithAMailQueuedAndABatchWaitingEveryAlertIsDeliveredOnce() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: CrashRecoveryTests.binary), "build cmsd first")
        let harness = try ReconcileHarness()
        defer { try? FileManager.default.removeItem(at: harness.folder) }
        let smtpPort = try LoopbackPort.free()
        try harness.write(
            "mail.yaml",
            """
            apiVersion: cms/v1
            kind: Mail
            subject: "[CMS century] 監視グループ"
            minInterval: 30
            servers:
              - {name: loopback, host: 127.0.0.1, port: \(smtpPort), from: cms@century.example.jp, tls: none}
            addressBook:
              - {name: noc, address: noc@century.example.jp}
            monitorRecipients: [noc]

            """)
        _ = try harness.commit("mail to a loopback SMTP server (down for now)")
        let crpPort = try LoopbackPort.free()
        let apiPort = try LoopbackPort.free()
        let config = harness.folder.appendingPathComponent("cmsd.yaml").path
        try """
            dataFolder: data
            listen: {crp: "127.0.0.1:\(crpPort)", api: "127.0.0.1:\(apiPort)"}
            timing: {retryBase: 300ms, retryCap: 2s, connectTimeout: 5s, rpcTimeout: 10s}
            tenants:
              - code: century
                repo: {url: repo, branch: main}
                pollInterval: 1h
                driftInterval: 1h
                username: admin
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let credentials = try TenantCredentials.load(dataFolder: harness.data, tenant: ReconcileHarness.tenant)
        let authorized = try AuthorizedKeys(parsing: credentials.publicKeyLine, source: "tenant key")
        let crpSecret = ReconcileHarness.crpSecret

        var cmsd = try CrashRecoveryTests.launch(config: config, log: harness.folder.appendingPathComponent("cmsd-1.log"))
        var logger = Logger(label: "e2e.mail-crash")
        logger.logLevel = .critical
        let fleet = Fleet(group: ReconcileHarness.group, logger: logger)
        defer { Task { await fleet.stopAll() } }
        for var settings in try FleetPlan.fromRepo(
            harness.repo, prefix: harness.prefix, port: 0, stateRoot: harness.folder.appendingPathComponent("sims"),
            authorized: authorized, crpServer: "127.0.0.1:\(crpPort)")
        where Self.monitored.contains(settings.identity.deviceCode ?? "") {
            settings.crpSecret = crpSecret
            settings.keepalive = 1
            _ = try fleet.add(settings)
        }
        try await fleet.startAll()

        // 1. The UP mail is queued 10 s after the first UP and fails (no SMTP server): kill -9 while it waits to retry.
        #expect(
            await eventuallyTrue(timeout: .seconds(90)) {
                guard let store = await Self.mailStore(harness) else { return false }
                return try await store.pending(tenant: "century").contains { $0.attempts >= 1 }
            })
        Self.kill9(cmsd)
        let store = try #require(await Self.mailStore(harness))
        let queued = try await store.pending(tenant: "century")
        #expect(!queued.isEmpty)
        #expect(try await store.sent(tenant: "century", limit: 100).isEmpty)

        // 2. The server comes up; the restarted cmsd sends the queued mail at once, under its Message-ID.
        let smtp = try SMTPPeer(port: smtpPort)
        defer { smtp.stop() }
        cmsd = try CrashRecoveryTests.launch(config: config, log: harness.folder.appendingPathComponent("cmsd-2.log"))
        #expect(
            await eventuallyTrue(timeout: .seconds(60)) {
                let ids = Set(try smtp.messageFiles().map { try DecodedMail.decode($0).messageID })
                return queued.allSatisfy { ids.contains("<\($0.messageID)>") }
            })
        let firstUPs = try Self.alerts(smtp).map(\.block).joined()
        #expect(firstUPs.contains("Event:NetConf UP\nCPE ID:star_center\n"), "\(firstUPs)")

        // 3. A monitored device is cut: its DOWN waits in the batch (≥ 10 s); kill -9 before it is due.
        #expect(
            await eventuallyTrue(timeout: .seconds(60)) {
                // cmsd-2 is connected to the device again (its session is UP in the events).
                let events = try SQLiteEventStore(path: harness.data + "/events.sqlite")
                return try await events.search(EventQuery(tenant: "century", device: "star_backup", limit: 100))
                    .filter { $0.type == .deviceConnectSucceeded }.count >= 2
            })
        try await #require(fleet.device("star_backup")).stop().get()
        #expect(
            await eventuallyTrue(timeout: .seconds(30)) {
                try await store.policy(tenant: "century")?.pending.contains { $0.device == "star_backup" && $0.kind == .down }
                    == true
            })
        Self.kill9(cmsd)
        let batched = try #require(
            try await store.policy(tenant: "century")?.pending.first { $0.device == "star_backup" && $0.kind == .down })
        let sentBefore = try await store.sent(tenant: "century", limit: 100).count
        let receivedBefore = try smtp.messages().count
        #expect(sentBefore == receivedBefore, "every accepted mail was marked sent before the kill")
        #expect(
            try Self.alerts(smtp).allSatisfy { !$0.block.hasPrefix("Event:NetConf DOWN\nCPE ID:star_backup\n") },
            "the DOWN was not mailed before the kill")

        // 4. The next cmsd mails the batched DOWN once its time comes.
        cmsd = try CrashRecoveryTests.launch(config: config, log: harness.folder.appendingPathComponent("cmsd-3.log"))
        defer {
            cmsd.terminate()
            cmsd.waitUntilExit()
        }
        let stamp = "TimeStamp:" + MailDate.guideStamp(batched.time, in: TimeZone(identifier: "Asia/Tokyo")!)
        #expect(
            await eventuallyTrue(timeout: .seconds(90)) {
                try Self.alerts(smtp).contains { $0.block.hasPrefix("Event:NetConf DOWN\nCPE ID:star_backup\n") }
            })
        // Let anything that would be sent twice arrive, then count.
        try await Task.sleep(for: .seconds(3))
        let alerts = try Self.alerts(smtp)
        let downs = alerts.filter { $0.block.hasPrefix("Event:NetConf DOWN\nCPE ID:star_backup\n") }
        #expect(downs.count == 1, "the batched DOWN is mailed exactly once")
        #expect(downs.first?.block.contains(stamp) == true, "with the time it happened (\(stamp)): \(downs)")
        var seen = Set<String>()
        for alert in alerts { #expect(seen.insert(alert.block).inserted, "an alert mailed twice: \(alert.block)") }
        let ids = try smtp.messageFiles().map { try DecodedMail.decode($0).messageID }
        #expect(Set(ids).count == ids.count, "no Message-ID received twice: \(ids)")
        #expect(try await store.pending(tenant: "century").isEmpty)
        #expect(try await store.sent(tenant: "century", limit: 100).count == ids.count)
    }
}
