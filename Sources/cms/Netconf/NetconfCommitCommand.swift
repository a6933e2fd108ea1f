import ArgumentParser
import NETCONF

/// `cms netconf HOST commit` — commit the candidate, optionally as a confirmed commit.
struct NetconfCommitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commit",
        abstract: "Commit the candidate (<commit>).",
        discussion: """
            A confirmed commit without --persist reverts as soon as this command's session ends; \
            give --persist ID and confirm later with `commit --persist-id ID`.
            """)

    @OptionGroup var connection: NetconfConnectionOptions

    @Option(help: "Confirmed commit: revert after SECONDS unless confirmed.")
    var confirmed: Int?

    @Option(help: "Make the confirmed commit survive this session; confirm with --persist-id.")
    var persist: String?

    @Option(help: "Confirm (or with --cancel, cancel) a persisted confirmed commit.")
    var persistID: String?

    @Flag(help: "Cancel a pending confirmed commit (<cancel-commit>).")
    var cancel = false

    func validate() throws {
        if let confirmed, confirmed < 1 { throw ValidationError("--confirmed must be at least 1 second") }
        if persist != nil && confirmed == nil { throw ValidationError("--persist needs --confirmed") }
        if cancel && confirmed != nil { throw ValidationError("--cancel cannot be combined with --confirmed") }
    }

    func run() async throws {
        try await NetconfOutput.run(connection) { session in
            if cancel {
                try await session.cancelCommit(persistID: persistID)
            } else {
                try await session.commit(
                    confirmed: confirmed != nil, timeout: confirmed, persist: persist,
                    persistID: persistID)
            }
            return [XMLElement("ok", namespace: NETCONFNamespace.base)]
        }
    }
}
