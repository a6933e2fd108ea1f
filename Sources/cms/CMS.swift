import ArgumentParser

/// `cms` — the operator's command line. One file per subcommand (folders by area).
@main
struct CMS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cms",
        abstract: "Operate NXR router fleets managed the GitOps way.",
        subcommands: [
            ImportCommand.self,
            NetconfCommand.self,
            TenantCommand.self,
        ]
    )
}
