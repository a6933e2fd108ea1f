import ArgumentParser

/// `cms tenant …` — a tenant's server-side material (its SSH key pair).
struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant",
        abstract: "Show, back up or restore a tenant's server-side material.",
        subcommands: [TenantPubkeyCommand.self, TenantBackupCommand.self, TenantRestoreCommand.self]
    )
}
