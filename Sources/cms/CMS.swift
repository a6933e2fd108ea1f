import ArgumentParser
import CMSVersion

/// `cms` — the operator's command line. One file per subcommand (folders by area).
@main
struct CMS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cms",
        abstract: "Operate NXR router fleets managed the GitOps way.",
        discussion: """
            Server, token and tenant come from --server/--token-file/--tenant or CMS_SERVER, CMS_TOKEN, CMS_TENANT. \
            Listings take -o/--output table|wide|json|yaml|csv. Exit status: 0 success, 1 a result to act on \
            (plan has changes, status stalled, a --wait that failed), 2 usage or server error, 3 not settled yet \
            (status reconciling, a --wait that timed out). Colour only on a terminal, never with NO_COLOR set. \
            Shell completions: cms --generate-completion-script bash|zsh|fish (docs/cli.md).

            EXAMPLES:
              cms status    # after: export CMS_SERVER=http://127.0.0.1:8610 CMS_TOKEN=$(cat data/tenants/century/api.token)
              cms devices --sync stalled -o wide
              cms plan --rev feature/mtu --format markdown
              cms refresh --wait --timeout 5m
            """,
        version: CMSVersion.current,
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
            ExecSubcommand.self,
            SyslogSubcommand.self,
        ]
    )

    /// `cms netconf HOST … SUBCOMMAND` is accepted as well as `cms netconf SUBCOMMAND HOST …`. Usage errors exit
    /// with 2 like every cms binary (docs/cli.md, "Exit status").
    static func main() async {
        let arguments = NetconfCommand.normalize(Array(CommandLine.arguments.dropFirst()))
        await ExitConvention.main(CMS.self, arguments: arguments) { Examples.decorate($0, arguments: arguments) }
    }
}
