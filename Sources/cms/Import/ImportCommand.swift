import ArgumentParser

/// `cms import …` — bring data over from the original CMS into the tenant repository.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import data from the original CMS.",
        subcommands: [ImportDevicesCommand.self]
    )
}
