import Foundation
import Testing

/// `cms mail test` and `cms mail queue` as an operator sees them: whole outputs compared with golden files, exit
/// statuses, and the server's refusals passed on clearly.
@Suite struct MailCLITests {
    @Test func mailQueuePrintsThePendingTheSentAndTheDroppedMails() async throws {
        try await TestServer.with { server in
            let result = try await CLI.run(["mail", "queue"] + CLITests.options(server))
            #expect(result.status == 0, "\(result.stderr)")
            try Golden.check(result.stdout, "mail-queue.txt")
            let json = try await CLI.run(["mail", "queue", "--format", "json"] + CLITests.options(server))
            #expect(json.status == 0)
            try Golden.check(json.stdout, "mail-queue.json")
        }
    }

    @Test func mailTestPrintsTheDialogueAndExitsZeroWhenAServerAccepted() async throws {
        try await TestServer.with { server in
            let result = try await CLI.run(["mail", "test"] + CLITests.options(server))
            #expect(result.status == 0, "\(result.stderr)")
            try Golden.check(result.stdout, "mail-test-sent.txt")
        }
    }

    @Test func mailTestExitsOneWhenNoServerAccepted() async throws {
        try await TestServer.with { server in
            let result = try await CLI.run(["mail", "test", "--smtp-server", "down"] + CLITests.options(server))
            #expect(result.status == 1)
            try Golden.check(result.stdout, "mail-test-failed.txt")
        }
    }

    @Test func anUnknownServerIsTheServersMessageWithStatusTwo() async throws {
        try await TestServer.with { server in
            let result = try await CLI.run(["mail", "test", "--smtp-server", "nope"] + CLITests.options(server))
            #expect(result.status == 2)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr == "error: no SMTP server 'nope' in mail.yaml\n")
        }
    }
}
