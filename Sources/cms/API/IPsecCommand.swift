import ArgumentParser

/// `cms ipsec …` — IPsec groups of a tenant.
struct IPsecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipsec",
        abstract: "IPsec groups (from cmsd).",
        subcommands: [IPsecStatusCommand.self]
    )
}
