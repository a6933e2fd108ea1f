import CMSDaemon
import CMSMail
import CMSModel
import CMSStore
import Foundation
import MailTransport
import TestSupport
import Testing

/// ``TenantMailer`` end to end against real SMTP servers on loopback, on a manual clock: batching and the 10 s
/// delay, failover in order with an event per failure, retry, the durable queue across a restart, and the canary
/// password absent from every mail, event and log line.
@Suite(.tags(.peer), .serialized) struct MailAlertPeerTests {
    static let canary = MailerHarness.canary

    /// Waits for the batch's timer, then moves the clock.
    func advance(_ harness: MailerHarness, by duration: Duration) async {
        #expect(await harness.clock.waitForSleepers(1))
        await harness.advance(by: duration)
    }

    @Test func fiveEventsInTheWindowAreOneMailSentTenSecondsAfterTheFirst() async throws {
        let server = try SMTPPeer()
        defer { server.stop() }
        let harness = try MailerHarness()
        await harness.start(
            MailerHarness.snapshot(devices: ["nxr01", "nxr02", "nxr03"], servers: [MailerHarness.server("relay", port: server.port)]))
        harness.up("nxr01")
        #expect(await harness.settle { (try? await harness.mailer.queueStatus().batchedEvents) == 1 })
        harness.down("nxr02")
        harness.down("nxr03")
        await harness.clock.advance(by: .seconds(4))
        harness.down("nxr01")
        harness.up("nxr02", address: "192.0.2.12:22")
        #expect(await harness.settle { (try? await harness.mailer.queueStatus().batchedEvents) == 5 })
        await harness.clock.advance(by: .seconds(5))  // 9 s after the first event: not yet
        try await Task.sleep(for: .milliseconds(200))
        #expect(try server.messages().isEmpty)
        await harness.clock.advance(by: .seconds(1))  // 10 s
        #expect(try await settled { try server.messages().count == 1 })
        let decoded = try DecodedMail.decode(try #require(try server.messageFiles().first))
        #expect(decoded.subject == "[CMS century] 監視グループ NETCONF 通知")
        #expect(decoded.body.components(separatedBy: "\n").filter { $0.hasPrefix("Event:") }.count == 5)
        #expect(decoded.body.contains("Event:NetConf DOWN\nCPE ID:nxr02\nname:拠点 nxr02\n"))
        #expect(decoded.body.contains("TimeStamp:2027/01/15 16:46:40"), "event times in the tenant's zone (Tokyo)")
        #expect(decoded.body.contains("Down for:4s"), "nxr02's recovery says how long it was down")
        #expect(decoded.to == "noc@century.example.jp, oncall@century.example.jp")
        let sent = try await harness.mailEvents(.mailSent)
        #expect(sent.count == 1)
        #expect(sent.first?.details["server"] == "relay")
        #expect(sent.first?.details["recipients"] == "2")
        #expect(sent.first?.details["events"] == "5")
        // The next event within the interval waits for its end (300 s after the mail), then goes alone.
        harness.down("nxr03")
        await advance(harness, by: .seconds(100))
        try await Task.sleep(for: .milliseconds(200))
        #expect(try server.messages().count == 1)
        await harness.clock.advance(by: .seconds(200))
        #expect(try await settled { try server.messages().count == 2 })
        await harness.mailer.shutdown()
    }

    @Test(arguments: [1, 2])
    func serversThatAreDownAreSkippedInOrderEachFailureAnEvent(down: Int) async throws {
        let good = try SMTPPeer()
        defer { good.stop() }
        var servers = (0..<down).map { MailerHarness.server("down\($0 + 1)", port: (try? LoopbackPort.free()) ?? 1) }
        servers.append(MailerHarness.server("good", port: good.port))
        let harness = try MailerHarness()
        await harness.start(MailerHarness.snapshot(devices: ["nxr01"], servers: servers))
        harness.down("nxr01")
        await advance(harness, by: .seconds(10))
        #expect(try await settled { try good.messages().count == 1 })
        // The events are recorded once the server's final reply is in (just after the message file appears).
        #expect(try await settled { try await harness.mailEvents(.mailSent).count == 1 })
        let failed = try await harness.mailEvents(.mailFailed)
        #expect(failed.map { $0.details["server"] } == (0..<down).map { "down\($0 + 1)" })
        #expect(failed.allSatisfy { $0.details["stage"] == "connect" && $0.details["recipients"] == "2" })
        #expect(failed.last?.details["next"] == "trying good")
        #expect(try await harness.mailEvents(.mailSent).map { $0.details["server"] } == ["good"])
        let decoded = try DecodedMail.decode(try #require(try good.messageFiles().first))
        #expect(decoded.from == "cms-good@century.example.jp", "the sending server's own From")
        await harness.mailer.shutdown()
    }

    @Test func aServerThatRefusesTheRecipientsFailsOverToTheNext() async throws {
        let refusing = try SMTPPeer(.init(rejectRecipients: true))
        let good = try SMTPPeer()
        defer {
            refusing.stop()
            good.stop()
        }
        let harness = try MailerHarness()
        await harness.start(
            MailerHarness.snapshot(
                devices: ["nxr01"],
                servers: [MailerHarness.server("picky", port: refusing.port), MailerHarness.server("good", port: good.port)]))
        harness.down("nxr01")
        await advance(harness, by: .seconds(10))
        #expect(try await settled { try good.messages().count == 1 })
        #expect(try await settled { try await harness.mailEvents(.mailSent).count == 1 })
        let failed = try await harness.mailEvents(.mailFailed)
        #expect(failed.count == 1)
        #expect(failed.first?.details["stage"] == "accept")
        #expect(failed.first?.details["error"]?.contains("550") == true)
        await harness.mailer.shutdown()
    }

    @Test func allServersDownIsAFailureEventAndTheMailIsRetriedUntilOneAccepts() async throws {
        let ports = try (0..<3).map { _ in try LoopbackPort.free() }
        let harness = try MailerHarness()
        await harness.start(
            MailerHarness.snapshot(
                devices: ["nxr01"], servers: ports.enumerated().map { MailerHarness.server("s\($0.offset + 1)", port: $0.element) }))
        harness.down("nxr01")
        await advance(harness, by: .seconds(10))
        #expect(try await settled { try await harness.mailEvents(.mailFailed).count == 3 })
        let failed = try await harness.mailEvents(.mailFailed)
        #expect(failed.map { $0.details["server"] } == ["s1", "s2", "s3"])
        #expect(failed.last?.details["next"] == "retry later")
        #expect(try await settled { try await harness.mailer.queueStatus().pending.first?.attempts == 1 })
        let queued = try await harness.mailer.queueStatus().pending
        #expect(queued.count == 1)
        #expect(queued.first?.lastError?.contains("s3") == true)

        // The third comes up; the retry (60 s later on the clock) goes through it.
        let third = try SMTPPeer(port: ports[2])
        defer { third.stop() }
        await advance(harness, by: .seconds(60))
        #expect(try await settled { try third.messages().count == 1 })
        #expect(try await settled { try await harness.mailEvents(.mailSent).count == 1 })
        #expect(try await harness.mailEvents(.mailSent).map { $0.details["server"] } == ["s3"])
        #expect(try await settled { try await harness.mailer.queueStatus().pending.isEmpty })
        await harness.mailer.shutdown()
    }

    @Test func aWrongPasswordIsAClearEventAndTheCanaryIsNowhere() async throws {
        let ca = try TestCA()
        let strict = try SMTPPeer(.init(auth: ("someone-else", "x"), starttls: ca))
        let good = try SMTPPeer(.init(auth: ("cms", Self.canary), starttls: ca))
        defer {
            strict.stop()
            good.stop()
        }
        let harness = try MailerHarness()
        await harness.start(
            MailerHarness.snapshot(
                devices: ["nxr01"],
                servers: [
                    MailerHarness.server("strict", port: strict.port, auth: .login, tls: .starttls, caFile: ca.caFile),
                    MailerHarness.server("good", port: good.port, auth: .plain, tls: .starttls, caFile: ca.caFile),
                ]))
        harness.up("nxr01")
        await advance(harness, by: .seconds(10))
        #expect(try await settled { try good.messages().count == 1 })
        #expect(try await settled { try await harness.mailEvents(.mailSent).count == 1 })
        let failed = try #require(try await harness.mailEvents(.mailFailed).first)
        #expect(failed.details["server"] == "strict")
        #expect(failed.details["stage"] == "authenticate")
        #expect(failed.message.contains("535") || failed.details["error"]?.contains("535") == true)

        // `cms mail test` through the good server prints its dialogue, without the password.
        let test = try await harness.mailer.test(server: "good", user: "alice")
        #expect(test.sent)
        #expect(test.attempts.first?.dialogue.contains { $0.hasPrefix("S: 250") } == true)
        #expect(try await settled { try good.messages().count == 2 })

        let base64 = Data(Self.canary.utf8).base64EncodedString()
        for file in try good.messageFiles() {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(!text.contains(Self.canary) && !text.contains(base64))
        }
        let events = try await harness.allEventsText()
        #expect(!events.contains(Self.canary) && !events.contains(base64))
        let logs = harness.logs.all.joined(separator: "\n")
        #expect(!logs.contains(Self.canary) && !logs.contains(base64))
        let dialogue = test.attempts.flatMap(\.dialogue).joined(separator: "\n")
        #expect(!dialogue.contains(Self.canary) && !dialogue.contains(base64))
        await harness.mailer.shutdown()
    }

    /// `kill -9` between "due" and "accepted" (the first process ends without any shutdown): the next process on the
    /// same queue file sends the mail once, with the same Message-ID; a batch not yet due survives as well.
    @Test func aRestartLosesNoDueAlertAndSendsNoneTwice() async throws {
        let port = try LoopbackPort.free()
        let first = try MailerHarness()
        let snapshot = MailerHarness.snapshot(devices: ["nxr01", "nxr02"], servers: [MailerHarness.server("relay", port: port)])
        await first.start(snapshot)
        first.down("nxr01")
        await advance(first, by: .seconds(10))
        #expect(try await settled { try await first.mailEvents(.mailFailed).count == 1 })
        #expect(try await settled { try await first.mailer.queueStatus().pending.first?.attempts == 1 })
        let queued = try #require(try await first.mailer.queueStatus().pending.first)
        // A second batch is waiting (not yet due) when the process dies.
        first.down("nxr02")
        #expect(await first.settle { (try? await first.mailer.queueStatus().batchedEvents) == 1 })
        // No shutdown: the first mailer's timers simply stop being driven (its clock never moves again).

        let server = try SMTPPeer(port: port)
        defer { server.stop() }
        // The restarted process's clock is where the first one's retry was due (10 s + 60 s backoff).
        let second = try MailerHarness(folder: first.folder)
        await second.clock.advance(by: .seconds(70))
        await second.start(snapshot)
        #expect(try await settled { try server.messages().count >= 1 })
        #expect(try server.messages().count == 1)
        // The batch that was waiting goes at its due time (the interval after the first mail was due: 310 s).
        await advance(second, by: .seconds(240))
        #expect(try await settled { try server.messages().count == 2 })
        let ids = try server.messageFiles().map { try DecodedMail.decode($0).messageID }
        #expect(ids.first == "<\(queued.messageID)>")
        #expect(Set(ids).count == 2, "each alert once")
        // Nothing is left to send twice: another restart sends nothing.
        let third = try MailerHarness(folder: first.folder)
        await third.clock.advance(by: .seconds(400))
        await third.start(snapshot)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try server.messages().count == 2)
        #expect(try await third.mailer.queueStatus().recent.count == 2)
        await second.mailer.shutdown()
        await third.mailer.shutdown()
    }
}

extension MailerHarness {
    func settle(_ condition: () async -> Bool) async -> Bool { await settled(condition) }
}
