import ArgumentParser

/// `cms netconf HOST <subcommand>` — talk NETCONF over SSH to one device, for engineers.
///
/// The device's host key must be pinned (`--pin SHA256:…`) or explicitly trusted (`--accept-new`);
/// without either the tool prints the fingerprint and stops before authenticating.
/// Exit status: 0 success, 1 the device answered with an rpc-error, 2 connection/authentication/
/// host-key failure or usage error (2, like every cms command).
struct NetconfCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netconf",
        abstract: "Talk NETCONF over SSH to one device.",
        discussion: """
            Usage: cms netconf HOST [--port 830] [--user U] [--key FILE | --password-env VAR] \
            [--pin SHA256:... | --accept-new] <subcommand> [options]
            (the subcommand may also come first: cms netconf get-config HOST ...).
            XML goes to stdout; rpc-error fields go to stderr. Exit status: 0 ok, 1 rpc-error,
            2 connection, authentication or host-key failure.
            """,
        subcommands: [
            NetconfHelloCommand.self,
            NetconfGetCommand.self,
            NetconfGetConfigCommand.self,
            NetconfEditConfigCommand.self,
            NetconfCommitCommand.self,
            NetconfRPCCommand.self,
            NetconfLockCommand.self,
            NetconfUnlockCommand.self,
        ]
    )

    /// Options that take a value (so their value is never mistaken for a subcommand name).
    static let optionsWithValues: Set<String> = [
        "--port", "--user", "--key", "--password-env", "--pin", "--timeout", "--source", "--filter", "--xpath",
        "--target", "--confirmed", "--persist", "--persist-id", "--default-operation", "--test-option",
        "--error-option",
    ]

    /// Rewrites `netconf HOST [options] SUBCOMMAND …` into `netconf SUBCOMMAND HOST [options] …`
    /// (argument-parser wants the subcommand name first; engineers think host first).
    static func normalize(_ arguments: [String]) -> [String] {
        guard arguments.first == "netconf" else { return arguments }
        let netconf = 0
        let names = Set(configuration.subcommands.compactMap { $0.configuration.commandName })
        var index = netconf + 1
        while index < arguments.count {
            let token = arguments[index]
            if token == "--" { return arguments }
            if names.contains(token) {
                if index == netconf + 1 { return arguments }
                var result = arguments
                result.remove(at: index)
                result.insert(token, at: netconf + 1)
                return result
            }
            index += optionsWithValues.contains(token) ? 2 : 1
        }
        return arguments
    }
}
