import ArgumentParser
import NETCONF

/// `cms netconf HOST hello` — the device's `<hello>`: session-id and capabilities.
struct NetconfHelloCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hello",
        abstract: "Show the device's hello (capabilities, session-id).")

    @OptionGroup var connection: NetconfConnectionOptions

    func run() async throws {
        try await NetconfOutput.run(connection) { session in [session.serverHello.element] }
    }
}
