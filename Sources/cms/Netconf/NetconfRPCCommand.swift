import ArgumentParser

/// `cms netconf HOST rpc FILE` — send any operation (vendor RPCs) and print the reply's content.
struct NetconfRPCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc",
        abstract: "Send the operation in FILE and print the reply.")

    @OptionGroup var connection: NetconfConnectionOptions

    @Argument(help: "XML file holding the operation element (what goes inside <rpc>).")
    var file: String

    func run() async throws {
        let operation = try NetconfOutput.readXML(file, what: "rpc")
        try await NetconfOutput.run(connection) { session in
            try await session.rpc(operation).body
        }
    }
}
