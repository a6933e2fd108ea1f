import ArgumentParser

/// `cms` — the operator's command line. One file per subcommand (folders by area).
@main
struct CMS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cms",
        abstract: "Operate NXR router fleets managed the GitOps way.",
        subcommands: [
            StatusCommand.self,
            DevicesCommand.self,
            DeviceCommand.self,
            EventsCommand.self,
            PlanCommand.self,
            ReconcileCommand.self,
            RefreshCommand.self,
            IPsecCommand.self,
            ConfigCommand.self,
            ImportCommand.self,
            NetconfCommand.self,
            TenantCommand.self,
            FirmwareCommand.self, RolloutCommand.self,
            MailCommand.self,
            SchedulesCommand.self,
        ]
    )

    /// `cms netconf HOST … SUBCOMMAND` is accepted as well as `cms netconf SUBCOMMAND HOST …`.
    static func main() async {
        let arguments = NetconfCommand.normalize(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
