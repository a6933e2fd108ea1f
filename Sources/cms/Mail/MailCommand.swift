import ArgumentParser

/// `cms mail …` — mail alerts of a tenant (docs/mail.md).
struct MailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail",
        abstract: "Mail alerts: send a test mail, show the queue (from cmsd).",
        subcommands: [MailTestCommand.self, MailQueueCommand.self]
    )
}
