import ArgumentParser
import CMSSchema
import CMSVersion
import Foundation
import TenantSource

/// `cms-lint`: checks a tenant repository (a folder, or a committed revision) against every rule of SPEC.
@main
struct CMSLint: AsyncParsableCommand {
    static let version = CMSVersion.current

    static let configuration = CommandConfiguration(
        commandName: "cms-lint",
        abstract: "Lint a cms tenant repository.",
        discussion: """
            PATH must be a tenant repository: a tenant.yaml (a `kind: Tenant` document) at its root. Exit status: \
            0 no findings (or only warnings without --strict), 1 findings, 2 usage or I/O error, or PATH is not a \
            tenant repository. With --format github, annotation paths are relative to the git repository's root, \
            so a tenant in a sub-folder is annotated where GitHub shows its files. Rules: docs/lint-rules.md.

            EXAMPLES:
              cms-lint examples/tenant-repo
              cms-lint --rev HEAD .
              cms-lint --format github tenants/century      # in a GitHub Actions step
              cms-lint --format sarif . > cms-lint.sarif
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
        guard input.paths.contains("tenant.yaml") || input.paths.contains("tenant.yml") else {
            let what = rev.map { "revision \($0) of \(path)" } ?? path
            FileHandle.standardError.write(
                Data(
                    ("cms-lint: \(what) is not a tenant repository: it has no tenant.yaml (a `kind: Tenant` document) "
                        + "at its root. Give the tenant repository's folder, e.g. cms-lint examples/tenant-repo\n").utf8))
            throw ExitCode(2)
        }
        let result = await ConcurrentLinter.lint(input)
        var diagnostics = result.diagnostics
        if format == .github, rev == nil, let prefix = Self.repositoryPrefix(of: path), !prefix.isEmpty {
            // GitHub resolves annotation paths from the repository root, not from the linted folder.
            diagnostics = diagnostics.map { finding in
                var finding = finding
                finding.file = prefix + finding.file
                return finding
            }
        }
        let output = DiagnosticRenderer.render(diagnostics, format: format, toolVersion: Self.version)
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

    /// The linted folder's path inside its git work tree (`tenants/century/`), or nil outside one.
    static func repositoryPrefix(of folder: String) -> String? {
        var url = URL(fileURLWithPath: folder).standardizedFileURL.resolvingSymlinksInPath()
        var components: [String] = []
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent(".git").path) {
                return components.reversed().map { $0 + "/" }.joined()
            }
            components.append(url.lastPathComponent)
            url = url.deletingLastPathComponent()
        }
        return nil
    }

    /// Usage errors exit with 2 (ArgumentParser's default is 64); help and version exit with 0.
    static func main() async { await ExitConvention.main(CMSLint.self) }
}

extension OutputFormat: ExpressibleByArgument {}
