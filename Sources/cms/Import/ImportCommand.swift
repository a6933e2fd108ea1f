import ArgumentParser

/// `cms import …` — placeholder until the import work lands.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Import data from the original CMS.")
}
