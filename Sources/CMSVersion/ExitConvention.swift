import ArgumentParser
import Foundation

/// The exit statuses every cms binary uses (docs/cli.md, "Exit status"):
///
/// | status | meaning |
/// | --- | --- |
/// | 0 | success (`cms status`: ready; `cms plan`: no changes; `cms-lint`: clean) |
/// | 1 | a result a script acts on (`cms plan`: changes; `cms-lint`: findings; `cms status`: stalled; a `--wait` that ended failed; `cmsd`: could not start) |
/// | 2 | usage, configuration, I/O or server error (bad option, cmsd unreachable, bad token) |
/// | 3 | not settled yet (`cms status`: reconciling or pending; a `--wait` that timed out) |
public enum ExitConvention {
    public static let success: Int32 = 0
    public static let result: Int32 = 1
    public static let error: Int32 = 2
    public static let unsettled: Int32 = 3

    /// Parses and runs `command`; usage errors exit with 2 (ArgumentParser's own is 64), help and `--version` 0.
    /// `decorateHelp` may add to a help text (cms appends its EXAMPLES).
    public static func main<Command: ParsableCommand>(
        _ command: Command.Type, arguments: [String]? = nil, decorateHelp: @Sendable (String) -> String = { $0 }
    ) async -> Never {
        // ArgumentParser's own main answers these (completion scripts, the command tree) before running anything.
        let given = arguments ?? Array(CommandLine.arguments.dropFirst())
        if let index = given.firstIndex(of: "--generate-completion-script") {
            let name = index + 1 < given.count ? given[index + 1] : ""
            guard let shell = CompletionShell(rawValue: name) else {
                FileHandle.standardError.write(Data("give a shell: bash, zsh or fish\n".utf8))
                Foundation.exit(Self.error)
            }
            print(command.completionScript(for: shell))
            Foundation.exit(success)
        }
        do {
            var parsed = try command.parseAsRoot(arguments)
            if var asynchronous = parsed as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try parsed.run()
            }
            Foundation.exit(success)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = command.exitCode(for: error)
            if code == .success {
                print(decorateHelp(command.fullMessage(for: error)))
                Foundation.exit(success)
            }
            FileHandle.standardError.write(Data((command.fullMessage(for: error) + "\n").utf8))
            Foundation.exit(code == .validationFailure ? Self.error : code.rawValue)
        }
    }
}
