import CMSDaemon
import CMSMail
import CMSModel
import CMSStore
import Foundation
import MailTransport
import TestSupport
import Testing

/// Retries are bounded (docs/mail.md "Delivery"): a mail no server accepts within the expiry is tried a last time
/// at its deadline, then dropped with a `mail.failed` (`stage: expired`, `next: dropped`); the queue goes on. And a
/// restarted mailer tries its pending mails at once, whatever their backoff said.
@Suite(.tags(.peer), .serialized) struct MailExpiryPeerTests {
    @Test func aMailNoServerAcceptsWithinTheExpiryIsDroppedWithAnEventAndTheQueueGoesOn() async throws {
        let port = try LoopbackPort.free()
        let harness = try MailerHarness(expiry: .seconds(3600))
        await harness.start(
            MailerHarness.snapshot(devices: ["nxr01"], servers: [MailerHarness.server("relay", port: port)], interval: 60))
        harness.down("nxr01")
        #expect(await harness.clock.waitForSleepers(1))
        await harness.clock.advance(by: .seconds(10))
        #expect(try await settled { try await harness.mailer.queueStatus().pending.first?.attempts == 1 })
        let queued = try #require(try await harness.mailer.queueStatus().pending.first)
        // Backoff 60 s, 120 s, 240 s, … 900 s, capped at the deadline (queued at +10 s: 3610 s). Each round moves the
        // clock to the next attempt the queue shows.
        var rounds = 0
        while let next = try await harness.mailer.queueStatus().pending.first, rounds < 12 {
            let due = try #require(next.nextAttempt)
            #expect(await harness.clock.waitForSleepers(1))
            await harness.clock.advance(by: due - harness.now())
            #expect(
                try await settled {
                    let status = try await harness.mailer.queueStatus()
                    return status.pending.isEmpty || (status.pending.first?.attempts ?? 0) > next.attempts
                })
            rounds += 1
        }
        let status = try await harness.mailer.queueStatus()
        #expect(status.pending.isEmpty)
        let dropped = try #require(status.dropped?.first)
        #expect(dropped.messageID == queued.messageID)
        #expect(dropped.attempts == 8)
        #expect(dropped.lastError?.contains("within 1h (8 attempts") == true, "\(dropped.lastError ?? "")")
        let failed = try await harness.mailEvents(.mailFailed)
        let seconds = failed.map { ($0.time.microsecondsSince1970 - MailerHarness.epoch) / 1_000_000 }
        #expect(seconds == [10, 70, 190, 430, 910, 1810, 2710, 3610, 3610], "attempts, then the drop at the deadline")
        let expired = try #require(failed.last)
        #expect(expired.details["stage"] == "expired")
        #expect(expired.details["next"] == "dropped")
        #expect(expired.details["messageID"] == queued.messageID)
        #expect(expired.details["attempts"] == "8")
        #expect(expired.details["recipients"] == "2")
        #expect(failed.dropLast().last?.details["next"] == "dropped", "the last attempt's own failure says so")
        #expect(failed.dropLast(2).allSatisfy { $0.details["next"] == "retry later" })

        // Never tried again; the next alert goes through once a server is back.
        let server = try SMTPPeer(port: port)
        defer { server.stop() }
        harness.up("nxr01")
        #expect(await harness.clock.waitForSleepers(1))
        await harness.clock.advance(by: .seconds(60))
        #expect(try await settled { try server.messages().count == 1 })
        let mail = try DecodedMail.decode(try #require(try server.messageFiles().first))
        #expect(mail.messageID != "<\(queued.messageID)>")
        #expect(mail.body.contains("Event:NetConf UP"))
        try await Task.sleep(for: .milliseconds(200))
        #expect(try server.messages().count == 1)
        await harness.mailer.shutdown()
    }

    @Test func aRestartedMailerTriesItsPendingMailsAtOnce() async throws {
        let port = try LoopbackPort.free()
        let first = try MailerHarness()
        let snapshot = MailerHarness.snapshot(devices: ["nxr01"], servers: [MailerHarness.server("relay", port: port)])
        await first.start(snapshot)
        first.down("nxr01")
        #expect(await first.clock.waitForSleepers(1))
        await first.clock.advance(by: .seconds(10))
        #expect(try await settled { try await first.mailer.queueStatus().pending.first?.attempts == 1 })
        let queued = try #require(try await first.mailer.queueStatus().pending.first)
        #expect((queued.nextAttempt ?? queued.created) > queued.created, "backing off")
        await first.mailer.shutdown()

        let server = try SMTPPeer(port: port)
        defer { server.stop() }
        // The restarted process's clock is 5 s later: well before the backoff's next attempt (60 s).
        let second = try MailerHarness(folder: first.folder)
        await second.clock.advance(by: .seconds(15))
        await second.start(snapshot)
        #expect(try await settled { try server.messages().count == 1 })
        let ids = try server.messageFiles().map { try DecodedMail.decode($0).messageID }
        #expect(ids == ["<\(queued.messageID)>"])
        await second.mailer.shutdown()
    }
}
