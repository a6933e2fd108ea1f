import CMSModel
import CMSReconcile
import CMSSchema
import Foundation
import GitSource
import Testing

@testable import TenantSource

@Suite("A tenant's desired state is fetched from git through a bare mirror and linted")
struct TenantRepositorySourceTests {
    static func source(_ fixture: GitFixture, url: String? = nil, branch: String = "main", subfolder: String? = nil)
        -> TenantRepositorySource
    {
        TenantRepositorySource(
            tenant: "century",
            repository: TenantRepository(url: url ?? fixture.work.path, branch: branch, subfolder: subfolder),
            dataFolder: fixture.data.path)
    }

    @Test("a local repository is cloned by path and by file:// URL into a bare mirror", arguments: [false, true])
    func clonesByPathAndURL(useFileURL: Bool) async throws {
        let fixture = try GitFixture()
        let first = try fixture.commit(
            ["tenant.yaml": GitFixture.tenant, "devices/a1.yaml": GitFixture.device("a1")],
            author: "Alice Example", email: "alice@example.jp", message: "first devices")
        let source = Self.source(fixture, url: useFileURL ? fixture.work.absoluteString : nil)
        #expect(try await source.fetch() == first)
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: source.mirrorPath + "/HEAD", isDirectory: &isDirectory))
        #expect(!FileManager.default.fileExists(atPath: source.mirrorPath + "/tenant.yaml"), "bare: no work tree")
        let revision = try await source.load(revision: first)
        #expect(revision.commit == first)
        #expect(revision.authorName == "Alice Example")
        #expect(revision.authorEmail == "alice@example.jp")
        #expect(revision.message.hasPrefix("first devices"))
        #expect(revision.diagnostics.isEmpty)
        #expect(revision.snapshot?.devices.map(\.code) == ["a1"])
        #expect(revision.isApplicable)
    }

    @Test("a new commit is detected by the next fetch, also by a new source over the same mirror")
    func newCommitDetected() async throws {
        let fixture = try GitFixture()
        let first = try fixture.commit(["tenant.yaml": GitFixture.tenant, "devices/a1.yaml": GitFixture.device("a1")])
        #expect(try await Self.source(fixture).fetch() == first)
        let second = try fixture.commit(["devices/a2.yaml": GitFixture.device("a2")])
        let restarted = Self.source(fixture)
        #expect(try await restarted.fetch() == second)
        let revision = try await restarted.load(revision: second)
        #expect(revision.snapshot?.devices.map(\.code) == ["a1", "a2"])
    }

    @Test("a commit with a lint error keeps the last good revision and reports the failure with its author")
    func lintErrorKeepsLastGood() async throws {
        let fixture = try GitFixture()
        let good = try fixture.commit(["tenant.yaml": GitFixture.tenant, "devices/a1.yaml": GitFixture.device("a1")])
        let source = Self.source(fixture)
        var tracker = DesiredStateTracker(tenant: "century")
        let now = Timestamp.seconds(1_800_000_000)
        let applied = tracker.observe(try await source.load(revision: try await source.fetch()), at: now)
        guard case .apply(let inForce) = applied.decision else {
            Issue.record("expected apply, got \(applied.decision)")
            return
        }
        #expect(inForce.commit == good)
        let bad = try fixture.commit(
            ["devices/a1.yaml": GitFixture.device("a1", product: "NXR-999")], author: "Bob Breaker",
            email: "bob@example.jp", message: "wrong product")
        let tip = try await source.fetch()
        #expect(tip == bad)
        #expect(tracker.needsLoad(tip))
        let rejected = try await source.load(revision: tip)
        #expect(rejected.errorCount > 0)
        #expect(rejected.snapshot == nil)
        let update = tracker.observe(rejected, at: now)
        #expect(update.decision == .keepLastGood(rejected: rejected, inForce: inForce))
        #expect(tracker.lastAppliedRevision == good)
        #expect(tracker.lastAttemptedRevision == bad)
        let failure = try #require(update.events.first { $0.type == .gitLintFailed })
        #expect(failure.user == "Bob Breaker <bob@example.jp>")
        #expect(failure.revision == bad)
        #expect(failure.details["inForce"] == good)
        #expect(failure.details["first"]?.hasPrefix("devices/a1.yaml:4:") == true)
        #expect(!tracker.needsLoad(try await source.fetch()), "the same broken tip is not loaded again")
    }

    @Test("a tenant that is a sub-folder reads only that folder, with paths relative to it")
    func subfolderTenant() async throws {
        let fixture = try GitFixture()
        let commit = try fixture.commit([
            "tenants/century/tenant.yaml": GitFixture.tenant,
            "tenants/century/devices/c1.yaml": GitFixture.device("c1"),
            "tenants/other/tenant.yaml": "this: [is broken",
            "README.md": "not a tenant file",
        ])
        let source = Self.source(fixture, subfolder: "/tenants/century/")
        let revision = try await source.load(revision: try await source.fetch())
        #expect(revision.commit == commit)
        #expect(revision.diagnostics.isEmpty, "\(revision.diagnostics)")
        #expect(revision.snapshot?.tenant.code == "century")
        #expect(revision.snapshot?.devices.map(\.code) == ["c1"])

        let missing = Self.source(fixture, subfolder: "tenants/nobody")
        await #expect {
            try await missing.load(revision: try await missing.fetch())
        } throws: { error in
            "\(error)".contains("tenants/nobody") && "\(error)".contains("does not exist")
        }
    }

    @Test("a missing branch is a clear error naming the branch")
    func missingBranch() async throws {
        let fixture = try GitFixture()
        try fixture.commit(["tenant.yaml": GitFixture.tenant])
        let source = Self.source(fixture, branch: "production")
        await #expect(
            throws: TenantSourceError.fetch(
                tenant: "century", .branchNotFound(branch: "production", url: fixture.work.path))
        ) {
            try await source.fetch()
        }
        let description = TenantSourceError.fetch(
            tenant: "century", .branchNotFound(branch: "production", url: fixture.work.path)
        ).description
        #expect(description.contains("no branch `production`"))
    }

    @Test("a repository that does not exist fails the fetch with the URL in the message and leaves no mirror")
    func missingRepository() async throws {
        let fixture = try GitFixture()
        let source = Self.source(fixture, url: fixture.root.path + "/nowhere")
        await #expect {
            try await source.fetch()
        } throws: { error in
            guard case .fetch(_, .cloneFailed(let url, _)) = error as? TenantSourceError else { return false }
            return url.hasSuffix("/nowhere")
        }
        #expect(!FileManager.default.fileExists(atPath: source.mirrorPath))
    }

    @Test("an unchanged branch is a no-op: same tip, nothing to load, no events")
    func unchangedIsNoOp() async throws {
        let fixture = try GitFixture()
        try fixture.commit(["tenant.yaml": GitFixture.tenant])
        let source = Self.source(fixture)
        var tracker = DesiredStateTracker(tenant: "century")
        let tip = try await source.fetch()
        _ = tracker.observe(try await source.load(revision: tip), at: .seconds(1))
        let again = try await source.fetch()
        #expect(again == tip)
        #expect(!tracker.needsLoad(again))
        let update = tracker.observe(try await source.load(revision: again), at: .seconds(2))
        #expect(update == DesiredStateUpdate(decision: .unchanged(commit: tip), events: []))
    }

    @Test("a force-push that rewrites history still fetches the new tip")
    func forcePushFollowed() async throws {
        let fixture = try GitFixture()
        try fixture.commit(["tenant.yaml": GitFixture.tenant])
        let old = try fixture.commit(["devices/a1.yaml": GitFixture.device("a1")], message: "to be rewritten")
        let source = Self.source(fixture)
        #expect(try await source.fetch() == old)
        let rewritten = try fixture.commit(
            ["devices/a1.yaml": nil, "devices/b1.yaml": GitFixture.device("b1")], message: "rewritten",
            amend: true)
        #expect(rewritten != old)
        let isAncestor = (try? fixture.git("merge-base", "--is-ancestor", old, rewritten)) != nil
        #expect(!isAncestor, "the new tip does not descend from the old one")
        #expect(try await source.fetch() == rewritten)
        #expect(try await source.load(revision: rewritten).snapshot?.devices.map(\.code) == ["b1"])
    }

    @Test("the mirror follows a changed repository URL")
    func urlChangeRepointsMirror() async throws {
        let first = try GitFixture()
        let commit = try first.commit(["tenant.yaml": GitFixture.tenant])
        let moved = first.root.appendingPathComponent("moved")
        try FileManager.default.copyItem(at: first.work, to: moved)
        #expect(try await Self.source(first).fetch() == commit)
        let source = TenantRepositorySource(
            tenant: "century", repository: TenantRepository(url: moved.path), dataFolder: first.data.path)
        try FileManager.default.removeItem(at: first.work)
        #expect(try await source.fetch() == commit)
    }

    @Test("the loader that cms-lint uses reads a folder and a committed revision the same way")
    func oneLoaderForFolderAndGit() async throws {
        let fixture = try GitFixture()
        let commit = try fixture.commit([
            "tenant.yaml": GitFixture.tenant, "devices/a1.yaml": GitFixture.device("a1"),
            "configs/a1/x.yaml": "not: linted", ".hidden/y.yaml": "not: linted",
        ])
        let folder = try RepositoryLoader.folder(fixture.work.path)
        let git = try RepositoryLoader.git(repository: fixture.work.path, revision: "main")
        #expect(git.revision == commit)
        #expect(folder.files.map(\.path) == ["devices/a1.yaml", "tenant.yaml"])
        #expect(git.files.map(\.path) == folder.files.map(\.path))
        #expect(git.paths == folder.paths)
        let folderResult = await ConcurrentLinter.lint(folder)
        let gitResult = await ConcurrentLinter.lint(git)
        #expect(folderResult.snapshot == gitResult.snapshot)
        #expect(folderResult.snapshot != nil)
    }
}
