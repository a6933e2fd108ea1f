import ArgumentParser

/// `cms netconf HOST get` — running configuration and state data.
struct NetconfGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Read configuration and state (<get>).")

    @OptionGroup var connection: NetconfConnectionOptions

    @Option(help: "Subtree filter file (a <filter> element or the subtree itself).")
    var filter: String?

    @Option(help: "XPath filter expression (the device must offer :xpath).")
    var xpath: String?

    func validate() throws {
        if filter != nil && xpath != nil { throw ValidationError("give either --filter or --xpath, not both") }
    }

    func run() async throws {
        let filter = try NetconfOutput.filter(fromFile: filter, xpath: xpath)
        try await NetconfOutput.run(connection) { session in [try await session.get(filter: filter)] }
    }
}
