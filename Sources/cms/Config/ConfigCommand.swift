import ArgumentParser

/// `cms config …` — the config archive of the devices and restores (docs/config-archive.md).
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "The archive of each device's running config (git, kept by cmsd), pull, diff and restore.",
        subcommands: [
            ConfigPullCommand.self, ConfigLogCommand.self, ConfigDiffCommand.self, ConfigShowCommand.self,
            ConfigRestoreCommand.self,
        ])
}

/// The config formats of an NXR.
enum ConfigFormatOption: String, ExpressibleByArgument, CaseIterable {
    case xml
    case showConfig = "show-config"
    case tgz
}
