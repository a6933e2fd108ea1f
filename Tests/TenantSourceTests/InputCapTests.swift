import CMSModel
import CMSReconcile
import CMSSchema
import Foundation
import GitSource
import Testing

@testable import TenantSource

/// A tenant's repository is held to ``InputLimits`` in folder mode (CI's `cms-lint`) and in `--rev` mode (`cmsd`)
/// alike: the same findings, the file and the cap named, nothing over a cap read.
@Suite("Repository input caps, links and the lint's own threads")
struct InputCapTests {
    enum Mode: String, CaseIterable, Sendable { case folder, rev }

    static func input(_ fixture: GitFixture, _ mode: Mode, limits: InputLimits = .default) throws -> RepositoryInput {
        switch mode {
        case .folder: return try RepositoryLoader.folder(fixture.work.path, limits: limits)
        case .rev: return try RepositoryLoader.git(repository: fixture.work.path, revision: "main", limits: limits)
        }
    }

    static func findings(_ result: LintResult, _ rule: String) -> [Diagnostic] {
        result.diagnostics.filter { $0.ruleID == rule }
    }

    @Test("a symbolic link is one input.symlink error naming it, in both modes", arguments: Mode.allCases)
    func symlink(_ mode: Mode) async throws {
        let fixture = try GitFixture()
        try FileManager.default.createDirectory(
            at: fixture.work.appendingPathComponent("devices"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: fixture.work.appendingPathComponent("devices/a1.yaml").path, withDestinationPath: "/etc/hostname")
        try fixture.commit(["tenant.yaml": GitFixture.tenant, "devices/a2.yaml": GitFixture.device("a2")])
        let input = try Self.input(fixture, mode)
        #expect(!input.paths.contains("devices/a1.yaml"), "a link is not a file of the repository")
        let result = await ConcurrentLinter.lint(input)
        let links = Self.findings(result, "input.symlink")
        #expect(links.map(\.file) == ["devices/a1.yaml"])
        #expect(links.first?.severity == .error)
        #expect(result.snapshot == nil)
        #expect(result.diagnostics.count == 1, "\(result.diagnostics)")
    }

    @Test("a file over maxFileBytes is refused from its size before it is read, in both modes", arguments: Mode.allCases)
    func hugeFile(_ mode: Mode) async throws {
        let fixture = try GitFixture()
        let big = "# padding\n" + String(repeating: "x: y\n", count: 600_000)  // 3 MB
        try fixture.commit(["tenant.yaml": GitFixture.tenant, "devices/big.yaml": big])
        let limits = InputLimits(maxFileBytes: 1 << 20)
        let result = await ConcurrentLinter.lint(try Self.input(fixture, mode, limits: limits))
        let caps = Self.findings(result, "input.limit")
        #expect(caps.map(\.file) == ["devices/big.yaml"])
        #expect(caps.first?.message.contains("maxFileBytes") == true)
        #expect(caps.first?.message.contains("\(big.utf8.count) bytes") == true)
        #expect(result.snapshot == nil)
    }

    @Test("libgit2 reads a blob's size from its header and refuses an over-cap read")
    func blobHeader() throws {
        let fixture = try GitFixture()
        try fixture.commit(["tenant.yaml": GitFixture.tenant, "blob.bin": String(repeating: "z", count: 5_000)])
        let repository = try GitRepository(path: fixture.work.path)
        let entry = try #require(try repository.tree(at: "main").entries.first { $0.path == "blob.bin" })
        #expect(try repository.size(of: entry) == 5_000)
        #expect(throws: GitSourceError.fileTooLarge(path: "blob.bin", size: 5_000, cap: 4_096)) {
            try repository.read(entry, maxBytes: 4_096)
        }
        #expect(try repository.read(entry, maxBytes: 5_000).count == 5_000)
    }

    @Test("the bytes read from one revision are capped in all (maxRevisionBytes)", arguments: Mode.allCases)
    func revisionBytes(_ mode: Mode) async throws {
        let fixture = try GitFixture()
        var files: [String: String?] = ["tenant.yaml": GitFixture.tenant]
        for index in 1...4 { files["devices/d\(index).yaml"] = GitFixture.device("d\(index)") + "# " + String(repeating: "p", count: 1_000) + "\n" }
        try fixture.commit(files)
        let result = await ConcurrentLinter.lint(
            try Self.input(fixture, mode, limits: InputLimits(maxRevisionBytes: 3_000)))
        let caps = Self.findings(result, "input.limit")
        #expect(caps.count == 2, "4 × 1 KB + the tenant: two files past 3,000 bytes")
        #expect(caps.allSatisfy { $0.message.contains("maxRevisionBytes") })
    }

    @Test("a revision with more files than maxFiles is one input.limit finding", arguments: Mode.allCases)
    func tooManyFiles(_ mode: Mode) async throws {
        let fixture = try GitFixture()
        var files: [String: String?] = ["tenant.yaml": GitFixture.tenant]
        for index in 1...30 { files["firmware/f\(index).bin"] = "x" }
        try fixture.commit(files)
        let result = await ConcurrentLinter.lint(try Self.input(fixture, mode, limits: InputLimits(maxFiles: 10)))
        let caps = Self.findings(result, "input.limit")
        #expect(caps.map(\.file) == ["."])
        #expect(caps.first?.message.contains("maxFiles") == true)
    }

    @Test("a spent time budget fails the lint with a finding naming lintSeconds")
    func timeBudget() async throws {
        let fixture = try GitFixture()
        try fixture.commit(["tenant.yaml": GitFixture.tenant, "devices/a1.yaml": GitFixture.device("a1")])
        let result = await ConcurrentLinter.lint(try Self.input(fixture, .rev), expired: { true })
        let caps = Self.findings(result, "input.limit")
        #expect(caps.map(\.file) == ["."])
        #expect(caps.first?.message.contains("lintSeconds") == true)
        #expect(caps.first?.message.contains("0 of 2 file(s)") == true)
        #expect(result.snapshot == nil)
    }

    @Test("files are read and parsed on the lint's own threads, never on the Swift concurrency pool")
    func offThePool() async throws {
        let threads = ThreadNames()
        let files = (0..<200).map { index in
            RepositoryInput.File(path: "devices/d\(index).yaml") {
                threads.add(ConcurrentLinter.isLintThread ? "lint" : "other: \(Thread.current)")
                return Data(GitFixture.device("d\(index)").utf8)
            }
        }
        let input = RepositoryInput(files: files, paths: Set(files.map(\.path)), revision: nil)
        _ = await ConcurrentLinter.lint(input)
        #expect(!threads.names.isEmpty)
        #expect(threads.names == ["lint"], "\(threads.names)")
    }

    @Test("a revision holding the alias bomb is a lint failure of its own, answered within a second")
    func aliasBombRevision() async throws {
        let fixture = try GitFixture()
        var bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1..<10 {
            bomb.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        bomb.append("? *a9\n: boom")
        let commit = try fixture.commit([
            "tenant.yaml": GitFixture.tenant, "devices/bomb.yaml": bomb.joined(separator: "\n") + "\n",
        ])
        let source = TenantRepositorySource(
            tenant: "century", repository: TenantRepository(url: fixture.work.path), dataFolder: fixture.data.path)
        // The lint itself (what used to spin forever) answers within seconds even beside the other suites…
        let clock = ContinuousClock()
        let start = clock.now
        let direct = await ConcurrentLinter.lint(
            try RepositoryLoader.git(repository: fixture.work.path, revision: commit))
        #expect(clock.now - start < .seconds(5), "lint took \(clock.now - start)")
        #expect(direct.diagnostics.map(\.ruleID) == ["yaml.limit"])
        // …and the daemon's source turns it into a rejected revision (its time includes the shared git thread,
        // which other tests' clones use too, so only the lint above is held to a second).
        _ = try await source.fetch()
        let revision = try await source.load(revision: commit)
        #expect(!revision.isApplicable)
        #expect(revision.diagnostics.map { "\($0.ruleID)@\($0.file):\($0.line)" } == ["yaml.limit@devices/bomb.yaml:7"])
    }
}

/// Thread names seen by file reads, from whichever thread reads.
private final class ThreadNames: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: Set<String> = []

    func add(_ name: String) {
        lock.lock()
        seen.insert(name)
        lock.unlock()
    }

    var names: Set<String> {
        lock.lock()
        defer { lock.unlock() }
        return seen
    }
}
