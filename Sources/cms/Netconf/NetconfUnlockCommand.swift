import ArgumentParser
import NETCONF

/// `cms netconf HOST unlock` — release a datastore lock held by this session.
struct NetconfUnlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unlock", abstract: "Unlock a datastore.")

    @OptionGroup var connection: NetconfConnectionOptions

    @Option(help: "Datastore: candidate, running or startup.")
    var target: DatastoreName = .candidate

    func run() async throws {
        try await NetconfOutput.run(connection) { session in
            try await session.unlock(target.datastore)
            return [XMLElement("ok", namespace: NETCONFNamespace.base)]
        }
    }
}
