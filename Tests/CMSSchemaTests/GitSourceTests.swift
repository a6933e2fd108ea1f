import TestSupport
import CMSSchema
import Foundation
import GitSource
import Testing

/// A real git repository in a temporary folder with a bad and then a good commit.
struct TemporaryGitRepository {
    let url: URL
    let badCommit: String
    let goodCommit: String

    static let tenant = "apiVersion: cms/v1\nkind: Tenant\ncode: century\ntimeZone: Asia/Tokyo\n"

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cms-git-\(UUID().uuidString)")
        self.url = url
        func git(_ arguments: String...) throws -> String { try Self.git(url, arguments) }
        func write(_ path: String, _ text: String) throws { try Self.write(url, path, text) }
        try FileManager.default.createDirectory(
            at: url.appendingPathComponent("devices"), withIntermediateDirectories: true)
        _ = try git("init", "-q", "-b", "main")
        try write("tenant.yaml", Self.tenant)
        try write("devices/a1.yaml", "apiVersion: cms/v1\nkind: Device\ncode: a1\nproduct: NXR-999\n")
        _ = try git("add", "-A")
        _ = try git("commit", "-q", "-m", "bad product")
        let bad = try git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        try write(
            "devices/a1.yaml",
            "apiVersion: cms/v1\nkind: Device\ncode: a1\nproduct: NXR-120\nconfigs: [{file: a.xml}]\n")
        try FileManager.default.createDirectory(
            at: url.appendingPathComponent("configs/a1"), withIntermediateDirectories: true)
        try write("configs/a1/a.xml", "<config/>")
        _ = try git("add", "-A")
        _ = try git("commit", "-q", "-m", "fix product")
        let good = try git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        // An uncommitted, broken working tree must not matter to --rev.
        try write("tenant.yaml", "this: [is broken")
        badCommit = bad
        goodCommit = good
    }

    static func write(_ url: URL, _ path: String, _ text: String) throws {
        try text.write(to: url.appendingPathComponent(path), atomically: true, encoding: .utf8)
    }

    @discardableResult
    static func git(_ url: URL, _ arguments: [String]) throws -> String {
        let result = try runProcess(
            "/usr/bin/env",
            ["git", "-c", "user.name=Test", "-c", "user.email=test@example.jp", "-c", "commit.gpgsign=false"]
                + arguments, in: url)
        guard result.status == 0 else { throw InputFailure(message: "git \(arguments): \(result.stderr)") }
        return result.stdout
    }

    func remove() { try? FileManager.default.removeItem(at: url) }

    struct InputFailure: Error { let message: String }
}

@Suite("GitSource reads committed revisions through libgit2")
struct GitSourceTests {
    func lint(_ repository: GitRepository, at revision: String) throws -> LintResult {
        let tree = try repository.tree(at: revision)
        let files = try tree.entries.filter { $0.path.hasSuffix(".yaml") && !$0.path.hasPrefix("configs/") }.map {
            SourceFile(path: $0.path, text: String(decoding: try repository.read($0), as: UTF8.self))
        }
        return Linter.lint(files, repositoryPaths: Set(tree.entries.map(\.path)))
    }

    @Test("lints the bad commit with its finding and the good commit clean, ignoring the work tree")
    func badAndGoodRevisions() throws {
        let temp = try TemporaryGitRepository()
        defer { temp.remove() }
        let repository = try GitRepository(path: temp.url.path)
        let bad = try lint(repository, at: temp.badCommit)
        #expect(
            bad.diagnostics.map { "\($0.ruleID)@\($0.file):\($0.line):\($0.column)" } == [
                "field.enum@devices/a1.yaml:4:10"
            ])
        let good = try lint(repository, at: "main")
        #expect(good.diagnostics == [])
        #expect(try repository.tree(at: "HEAD").commit == temp.goodCommit)
        #expect(try repository.tree(at: String(temp.badCommit.prefix(8))).commit == temp.badCommit)
        #expect(try repository.tree(at: "HEAD~1").entries.map(\.path).sorted() == ["devices/a1.yaml", "tenant.yaml"])
    }

    @Test("names a missing repository and an unknown revision clearly")
    func clearErrors() throws {
        #expect(throws: GitSourceError.self) { try GitRepository(path: "/nonexistent/repo") }
        let temp = try TemporaryGitRepository()
        defer { temp.remove() }
        let repository = try GitRepository(path: temp.url.path)
        do {
            _ = try repository.tree(at: "no-such-branch")
            Issue.record("an unknown revision must throw")
        } catch {
            guard case .unknownRevision(let revision, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(revision == "no-such-branch")
        }
    }
}

@Suite("The cms-lint executable")
struct CMSLintExecutableTests {
    static var binary: String {
        Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("cms-lint").path
    }

    func lint(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runProcess(Self.binary, arguments)
    }

    @Test("exits 0 on a clean folder, 1 on findings, 2 on usage and I/O errors")
    func exitCodes() throws {
        let fixtures = Support.packageRoot.appendingPathComponent("Tests/CMSSchemaTests/Fixtures").path
        #expect(try lint([fixtures + "/clean-repo"]).status == 0)
        let bad = try lint([fixtures + "/bad-repo"])
        #expect(bad.status == 1)
        #expect(bad.stdout == (try String(contentsOfFile: fixtures + "/golden/bad-repo.text", encoding: .utf8)))
        #expect(try lint([fixtures + "/bad-repo", "--format", "sarif"]).stdout.contains("\"version\" : \"2.1.0\""))
        #expect(try lint(["/nonexistent/folder"]).status == 2)
        #expect(try lint(["--format", "xml", fixtures + "/clean-repo"]).status == 2)
        #expect(try lint(["--no-such-flag"]).status == 2)
        #expect(try lint(["--help"]).status == 0)
    }

    @Test("warnings fail only with --strict")
    func strictWarnings() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cms-strict-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try (TemporaryGitRepository.tenant + "---\napiVersion: cms/v1\nkind: Group\nname: m\ntype: monitor\n")
            .write(to: folder.appendingPathComponent("tenant.yaml"), atomically: true, encoding: .utf8)
        let relaxed = try lint([folder.path])
        #expect(relaxed.status == 0)
        #expect(relaxed.stdout.contains("warning:"))
        #expect(try lint([folder.path, "--strict"]).status == 1)
    }

    @Test("--rev lints committed revisions without a checkout")
    func revisions() throws {
        let temp = try TemporaryGitRepository()
        defer { temp.remove() }
        let bad = try lint(["--rev", temp.badCommit, temp.url.path, "--format", "json"])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("\"ruleID\" : \"field.enum\""))
        #expect(try lint(["--rev", "HEAD", temp.url.path]).status == 0)
        // The broken work tree is what a folder lint sees.
        #expect(try lint([temp.url.path]).status == 1)
        let unknown = try lint(["--rev", "nope", temp.url.path])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown revision `nope`"))
    }
}
