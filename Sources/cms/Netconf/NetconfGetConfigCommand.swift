import ArgumentParser

/// `cms netconf HOST get-config` — one datastore's configuration.
struct NetconfGetConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get-config",
        abstract: "Read a datastore's configuration (<get-config>).")

    @OptionGroup var connection: NetconfConnectionOptions

    @Option(help: "Datastore: running, candidate or startup.")
    var source: DatastoreName = .running

    @Option(help: "Subtree filter file (a <filter> element or the subtree itself).")
    var filter: String?

    @Option(help: "XPath filter expression (the device must offer :xpath).")
    var xpath: String?

    func validate() throws {
        if filter != nil && xpath != nil { throw ValidationError("give either --filter or --xpath, not both") }
    }

    func run() async throws {
        let filter = try NetconfOutput.filter(fromFile: filter, xpath: xpath)
        try await NetconfOutput.run(connection) { session in
            [try await session.getConfig(source: source.datastore, filter: filter)]
        }
    }
}
