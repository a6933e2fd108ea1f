import ArgumentParser
import CMSSchema
import Foundation
import TenantSource

/// `cms-lint`: checks a tenant repository (a folder, or a committed revision) against every rule of SPEC.
@main
struct CMSLint: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "cms-lint",
        abstract: "Lint a cms tenant repository.",
        discussion: """
            Exit status: 0 no findings (or only warnings without --strict), 1 findings, 2 usage or I/O error.
            Rules: docs/lint-rules.md.
            """,
        version: version)

    @Argument(help: "The tenant repository folder (with --rev: the git repository).")
    var path: String = "."

    @Option(
        name: .long, help: "Lint this committed revision (HEAD, a branch, a tag, a sha) through libgit2, no checkout.")
    var rev: String?

    @Option(name: .long, help: "Output format: text, json, sarif or github.")
    var format: OutputFormat = .text

    @Flag(name: .long, help: "Warnings fail the lint too.")
    var strict = false

    func run() async throws {
        let input: RepositoryInput
        do {
            if let rev {
                input = try RepositoryLoader.git(repository: path, revision: rev)
            } else {
                input = try RepositoryLoader.folder(path)
            }
        } catch {
            FileHandle.standardError.write(Data("cms-lint: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let result = await ConcurrentLinter.lint(input)
        let output = DiagnosticRenderer.render(result.diagnostics, format: format, toolVersion: Self.version)
        FileHandle.standardOutput.write(Data(output.utf8))
        if format == .text {
            let summary =
                result.diagnostics.isEmpty
                ? "cms-lint: \(input.files.count) file(s) clean\(input.revision.map { " at \($0.prefix(12))" } ?? "")\n"
                : "cms-lint: \(result.errorCount) error(s), \(result.warningCount) warning(s) in \(input.files.count) file(s)\n"
            FileHandle.standardError.write(Data(summary.utf8))
        }
        if result.errorCount > 0 || (strict && result.warningCount > 0) { throw ExitCode(1) }
    }

    /// Usage errors exit with 2 (ArgumentParser's default is 64); help and version exit with 0.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

extension OutputFormat: ExpressibleByArgument {}
