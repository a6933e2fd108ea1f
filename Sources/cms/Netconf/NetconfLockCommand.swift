import ArgumentParser
import NETCONF

/// `cms netconf HOST lock` — take a datastore lock (released when this command's session ends;
/// useful to see whether someone else holds it).
struct NetconfLockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock",
        abstract: "Lock a datastore; shows lock-denied and the holder's session-id if another session has it.")

    @OptionGroup var connection: NetconfConnectionOptions

    @Option(help: "Datastore: candidate, running or startup.")
    var target: DatastoreName = .candidate

    func run() async throws {
        try await NetconfOutput.run(connection) { session in
            try await session.lock(target.datastore)
            return [XMLElement("ok", namespace: NETCONFNamespace.base)]
        }
    }
}
