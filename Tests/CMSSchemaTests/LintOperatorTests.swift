import CMSModel
import CMSSchema
import Foundation
import TestSupport
import Testing

/// Issue 17, "Lint and schemas agree" (cms-lint side): only tenant repositories are linted, a misspelt device
/// code is one finding, GitHub annotations carry repository-root paths.
@Suite struct LintOperatorTests {
    static var binary: String { CMSLintExecutableTests.binary }

    @Test func aMisspeltDeviceCodeIsOneFindingNotACascade() {
        let files = [
            SourceFile(path: "tenant.yaml", text: "apiVersion: cms/v1\nkind: Tenant\ncode: century\ntimeZone: Asia/Tokyo\n"),
            SourceFile(path: "devices/nxr01.yaml", text: "apiVersion: cms/v1\nkind: Device\ncode: nxr0l\nproduct: NXR-120\n"),
            SourceFile(
                path: "groups/a.yaml",
                text: "apiVersion: cms/v1\nkind: Group\nname: a\ntype: none\nmembers:\n  - device: nxr01\n"),
            SourceFile(
                path: "groups/b.yaml",
                text: "apiVersion: cms/v1\nkind: Group\nname: b\ntype: none\nmembers:\n  - device: nxr01\n"),
        ]
        let result = Linter.lint(files, repositoryPaths: Set(files.map(\.path)))
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1, "\(errors.map { "\($0.file): \($0.message)" })")
        let finding = errors.first
        #expect(finding?.file == "devices/nxr01.yaml")
        #expect(finding?.line == 3, "at the code")
        #expect(
            finding?.message
                == "device code `nxr0l` differs from its file name `nxr01`, and 2 group member(s) refer to `nxr01`, which no document declares")

        // A reference to a code nobody's file is named after stays a finding per reference.
        var unrelated = files
        unrelated[1] = SourceFile(path: "devices/nxr01.yaml", text: "apiVersion: cms/v1\nkind: Device\ncode: nxr01\nproduct: NXR-120\n")
        unrelated[2] = SourceFile(
            path: "groups/a.yaml", text: "apiVersion: cms/v1\nkind: Group\nname: a\ntype: none\nmembers:\n  - device: nxr09\n")
        let other = Linter.lint(unrelated, repositoryPaths: Set(unrelated.map(\.path)))
        #expect(other.diagnostics.contains { $0.message.hasPrefix("device `nxr09` is not declared") })
    }

    @Test func aFolderWithoutTenantYamlIsNotLinted() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("not-tenant-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("ci"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "on: push\njobs: {}\n".write(to: folder.appendingPathComponent("ci/workflow.yaml"), atomically: true, encoding: .utf8)
        let result = try runProcess(Self.binary, [folder.path])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty, "nothing linted")
        #expect(result.stderr.contains("is not a tenant repository: it has no tenant.yaml (a `kind: Tenant` document) at its root"))
    }

    @Test func githubAnnotationsAreRelativeToTheRepositoryRoot() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lint-sub-\(UUID().uuidString)")
        let tenant = root.appendingPathComponent("tenants/century")
        try FileManager.default.createDirectory(at: tenant.appendingPathComponent("devices"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try runProcess("/usr/bin/git", ["init", "-q", root.path])
        try "apiVersion: cms/v1\nkind: Tenant\ncode: century\ntimeZone: Asia/Tokyo\n"
            .write(to: tenant.appendingPathComponent("tenant.yaml"), atomically: true, encoding: .utf8)
        try "apiVersion: cms/v1\nkind: Device\ncode: nxr01\nproduct: NXR-999\n"
            .write(to: tenant.appendingPathComponent("devices/nxr01.yaml"), atomically: true, encoding: .utf8)
        let github = try runProcess(Self.binary, ["--format", "github", tenant.path])
        #expect(github.status == 1)
        #expect(github.stdout.hasPrefix("::error file=tenants/century/devices/nxr01.yaml,line=4,"), "\(github.stdout)")
        // Other formats keep the linted folder's own paths.
        let text = try runProcess(Self.binary, [tenant.path])
        #expect(text.stdout.hasPrefix("devices/nxr01.yaml:4:"))
    }
}
