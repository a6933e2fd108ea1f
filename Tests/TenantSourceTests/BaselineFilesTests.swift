import CMSModel
import CMSReconcile
import CMSSchema
import Foundation
import Testing

@testable import TenantSource

/// Enforced XML config files (baselines) travel with the revision (`Revision.files`) and are linted as
/// baselines (`config.baseline`), from git and from a folder alike.
@Suite("Baseline files of a revision")
struct BaselineFilesTests {
    static let baseline = """
        <?xml version="1.0" encoding="UTF-8"?>
        <config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
          <system xmlns="urn:cms:nxr:1.0"><hostname>a1</hostname></system>
        </config>

        """

    static func device(_ code: String, configs: String) -> String {
        GitFixture.device(code) + "configs:\n" + configs
    }

    static func source(_ fixture: GitFixture) -> TenantRepositorySource {
        TenantRepositorySource(
            tenant: "century", repository: TenantRepository(url: fixture.work.path, branch: "main"),
            dataFolder: fixture.data.path)
    }

    @Test("load(revision:) carries the bytes of every enforce: true xml file, and only those")
    func revisionCarriesEnforcedFiles() async throws {
        let fixture = try GitFixture()
        let commit = try fixture.commit([
            "tenant.yaml": GitFixture.tenant,
            "devices/a1.yaml": Self.device(
                "a1", configs: "  - {file: base.xml, enforce: true}\n  - file: prev.xml\n  - file: boot.config\n"),
            "devices/b1.yaml": Self.device("b1", configs: "  - {file: b.xml, enforce: true}\n"),
            "devices/c1.yaml": GitFixture.device("c1"),
            "configs/a1/base.xml": Self.baseline,
            "configs/a1/prev.xml": "<system xmlns=\"urn:cms:nxr:1.0\"><hostname>old</hostname></system>",
            "configs/a1/boot.config": "hostname a1\n",
            "configs/b1/b.xml": "<crp xmlns=\"urn:cms:nxr:1.0\"><customer-id>century</customer-id></crp>\n",
        ])
        let source = Self.source(fixture)
        let revision = try await source.load(revision: try await source.fetch())
        #expect(revision.commit == commit)
        #expect(revision.diagnostics.isEmpty, "\(revision.diagnostics)")
        #expect(revision.isApplicable)
        #expect(Set(revision.files.keys) == ["configs/a1/base.xml", "configs/b1/b.xml"])
        #expect(revision.files["configs/a1/base.xml"] == Array(Self.baseline.utf8))

        // A later commit that changes the baseline carries the new bytes.
        let changed = Self.baseline.replacingOccurrences(of: "<hostname>a1<", with: "<hostname>a1-new<")
        let second = try fixture.commit(["configs/a1/base.xml": changed])
        #expect(try await source.fetch() == second)
        let next = try await source.load(revision: second)
        #expect(next.files["configs/a1/base.xml"] == Array(changed.utf8))
    }

    @Test("a baseline that sets a cms- policy fails the lint at its line; the revision is not applicable")
    func managedPolicyInBaselineFailsLint() async throws {
        let fixture = try GitFixture()
        let bad = """
            <config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
              <ipsec xmlns="urn:cms:nxr:1.0">
                <ike-policy><name>cms-mesh-b1</name><lifetime>10800</lifetime></ike-policy>
              </ipsec>
            </config>
            """
        try fixture.commit([
            "tenant.yaml": GitFixture.tenant,
            "devices/a1.yaml": Self.device("a1", configs: "  - {file: base.xml, enforce: true}\n"),
            "configs/a1/base.xml": bad,
        ])
        let source = Self.source(fixture)
        let revision = try await source.load(revision: try await source.fetch())
        #expect(!revision.isApplicable)
        #expect(revision.files.isEmpty)
        let finding = try #require(revision.diagnostics.first { $0.ruleID == "config.baseline" })
        #expect(finding.file == "configs/a1/base.xml")
        #expect(finding.message.contains("cms-mesh-b1"))

        // The same file, not enforced, is just a config file: nothing to say.
        try fixture.commit(["devices/a1.yaml": Self.device("a1", configs: "  - file: base.xml\n")])
        let relaxed = try await source.load(revision: try await source.fetch())
        #expect(relaxed.diagnostics.isEmpty, "\(relaxed.diagnostics)")
    }

    @Test("cms-lint's folder input lints baselines too, with the XML error's line")
    func folderInputChecksBaselines() async throws {
        let fixture = try GitFixture()
        let files: [String: String] = [
            "tenant.yaml": GitFixture.tenant,
            "devices/a1.yaml": Self.device("a1", configs: "  - {file: base.xml, enforce: true}\n"),
            "configs/a1/base.xml": "<config xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n<system xmlns=\"urn:cms:nxr:1.0\">\n"
                + "<hostname>a1</host>\n</system></config>\n",
        ]
        for (path, text) in files {
            let url = fixture.work.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let input = try RepositoryLoader.folder(fixture.work.path)
        let result = await ConcurrentLinter.lint(input)
        let found = result.diagnostics.map { "\($0.ruleID)@\($0.file):\($0.line)" }
        #expect(found == ["config.baseline@configs/a1/base.xml:3"], "\(result.diagnostics)")
        #expect(result.snapshot == nil)
        // The input reads files it listed, and nothing outside them.
        #expect(try input.read("configs/a1/base.xml").count > 0)
        #expect(throws: InputError.self) { try input.read("../../etc/passwd") }
    }

    @Test("the example tenant repository lints clean, its baseline read and checked")
    func exampleRepositoryIsClean() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/tenant-repo").path
        let input = try RepositoryLoader.folder(root)
        #expect(input.paths.contains("configs/ebisu/baseline.xml"))
        let result = await ConcurrentLinter.lint(input)
        #expect(result.errorCount == 0, "\(result.diagnostics)")
        // The checker does look at the file: a broken copy of the repository fails at the baseline.
        let bad = RepositoryInput(files: input.files, paths: input.paths, revision: nil) { path in
            path == "configs/ebisu/baseline.xml" ? Data("<config/>".utf8) : try input.read(path)
        }
        let failed = await ConcurrentLinter.lint(bad)
        #expect(failed.diagnostics.map(\.ruleID) == ["config.baseline"])
        #expect(failed.diagnostics.first?.file == "configs/ebisu/baseline.xml")
    }
}
