import ArgumentParser
import NETCONF

/// `cms netconf HOST edit-config FILE` — apply an edit to a datastore (candidate by default).
struct NetconfEditConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit-config",
        abstract: "Edit a datastore (<edit-config>); commit separately when the target is the candidate.")

    @OptionGroup var connection: NetconfConnectionOptions

    @Argument(help: "XML file: a <config> element, or one element to put inside <config>.")
    var file: String

    @Option(help: "Datastore: candidate or running.")
    var target: DatastoreName = .candidate

    @Option(help: "merge, replace or none.")
    var defaultOperation: String?

    @Option(help: "test-then-set, set or test-only.")
    var testOption: String?

    @Option(help: "stop-on-error, continue-on-error or rollback-on-error.")
    var errorOption: String?

    @Flag(help: "Commit the candidate after the edit (same session, so the edit is not lost).")
    var commit = false

    func validate() throws {
        if target == .startup { throw ValidationError("--target must be candidate or running") }
        if let defaultOperation, DefaultOperation(rawValue: defaultOperation) == nil {
            throw ValidationError("--default-operation must be merge, replace or none")
        }
        if let testOption, TestOption(rawValue: testOption) == nil {
            throw ValidationError("--test-option must be test-then-set, set or test-only")
        }
        if let errorOption, ErrorOption(rawValue: errorOption) == nil {
            throw ValidationError("--error-option must be stop-on-error, continue-on-error or rollback-on-error")
        }
    }

    func run() async throws {
        let root = try NetconfOutput.readXML(file, what: "config")
        let config =
            root.name == "config"
            ? root
            : XMLElement("config", namespace: NETCONFNamespace.base, children: [.element(root)])
        try await NetconfOutput.run(connection) { session in
            try await session.editConfig(
                target: target.datastore, config: config,
                defaultOperation: defaultOperation.flatMap(DefaultOperation.init(rawValue:)),
                testOption: testOption.flatMap(TestOption.init(rawValue:)),
                errorOption: errorOption.flatMap(ErrorOption.init(rawValue:)))
            if commit { try await session.commit() }
            return [XMLElement("ok", namespace: NETCONFNamespace.base)]
        }
    }
}
