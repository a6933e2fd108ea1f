import CMSModel
import CMSSchema
import Foundation

/// Fixtures and helpers shared by the lint tests.
enum Support {
    /// A small valid tenant that rule cases add one document to.
    static let base: [SourceFile] = [
        SourceFile(
            path: "tenant.yaml",
            text: """
                apiVersion: cms/v1
                kind: Tenant
                code: century
                timeZone: Asia/Tokyo
                """),
        SourceFile(
            path: "devices.yaml",
            text: """
                apiVersion: cms/v1
                kind: Device
                code: a1
                product: NXR-120
                ---
                apiVersion: cms/v1
                kind: Device
                code: b1
                product: NXR-125
                ---
                apiVersion: cms/v1
                kind: Device
                code: c1
                product: NXR-230
                """),
        SourceFile(
            path: "firmware.yaml",
            text: """
                apiVersion: cms/v1
                kind: Firmware
                name: fw120
                product: NXR-120
                version: 5.26.0
                url: http://127.0.0.1:8080/a.bin
                sha256: \(String(repeating: "a", count: 64))
                ---
                apiVersion: cms/v1
                kind: Firmware
                name: fw125
                product: NXR-125
                version: 5.26.0
                url: http://127.0.0.1:8080/b.bin
                sha256: \(String(repeating: "b", count: 64))
                """),
    ]

    /// Lints the base tenant plus one extra file `case.yaml` (or, with `replacing`, instead of a base file).
    static func lint(
        _ text: String, path: String = "case.yaml", paths: Set<String> = [], limits: Limits = .default,
        baselineCheck: BaselineCheck? = nil
    ) -> LintResult {
        var files = base.filter { $0.path != path }
        files.append(SourceFile(path: path, text: text))
        return Linter.lint(
            files, repositoryPaths: paths.union(files.map(\.path)), limits: limits, baselineCheck: baselineCheck)
    }

    static var fixtures: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    }

    /// Reads a fixture folder the way `cms-lint` does: YAML files outside configs/ and hidden folders, all paths.
    static func loadRepository(_ name: String) throws -> (files: [SourceFile], paths: Set<String>) {
        let root = fixtures.appendingPathComponent(name)
        let rootPath = root.standardizedFileURL.path
        var files: [SourceFile] = []
        var paths: Set<String> = []
        let enumerator = FileManager.default.enumerator(atPath: rootPath)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: rootPath + "/" + relative, isDirectory: &isDirectory)
            if isDirectory.boolValue { continue }
            paths.insert(relative)
            if relative.hasPrefix("configs/") || !(relative.hasSuffix(".yaml") || relative.hasSuffix(".yml")) {
                continue
            }
            let text = try String(contentsOfFile: rootPath + "/" + relative, encoding: .utf8)
            files.append(SourceFile(path: relative, text: text))
        }
        return (files.sorted { $0.path < $1.path }, paths)
    }

    /// The package root (for the built binaries and the fixtures in the source tree).
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }
}
