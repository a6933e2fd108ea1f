import CMSModel
import CMSSchema
import Foundation
import Testing

/// Issue 17, "Lint and schemas agree": each document below goes through both `cms-lint` (in-process) and the JSON
/// Schema of its kind (Python `jsonschema`, YAML read as 1.2 like editors do); both must give the same verdict.
/// A field type the linter reads differently from its schema fails here.
@Suite struct LintSchemaAgreementTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let yaml: String
        let valid: Bool
        var testDescription: String { name }
    }

    static let device = "apiVersion: cms/v1\nkind: Device\ncode: nxr01\nproduct: NXR-120\n"
    static let cases: [Case] = [
        Case(name: "a plain device", yaml: device, valid: true),
        Case(name: "suspended: true", yaml: device + "suspended: true\n", valid: true),
        Case(name: "suspended: \"true\" (text)", yaml: device + "suspended: \"true\"\n", valid: false),
        Case(name: "suspended: yes (text in YAML 1.2)", yaml: device + "suspended: yes\n", valid: false),
        Case(name: "note: 12345 (a number)", yaml: device + "note: 12345\n", valid: false),
        Case(name: "note: \"12345\"", yaml: device + "note: \"12345\"\n", valid: true),
        Case(name: "note: 1.5 (a number)", yaml: device + "note: 1.5\n", valid: false),
        Case(name: "name: true (a boolean)", yaml: device + "name: true\n", valid: false),
        Case(name: "name: 1_000 (text in YAML 1.2)", yaml: device + "name: 1_000\n", valid: true),
        Case(
            name: "enforce: true",
            yaml: device + "configs:\n  - file: baseline.xml\n    type: xml\n    enforce: true\n", valid: true),
        Case(
            name: "enforce: yes",
            yaml: device + "configs:\n  - file: baseline.xml\n    type: xml\n    enforce: yes\n", valid: false),
        Case(
            name: "enforce: \"false\"",
            yaml: device + "configs:\n  - file: baseline.xml\n    type: xml\n    enforce: \"false\"\n", valid: false),
    ]

    /// The schema's verdict on one document written as `devices/case.yaml`.
    static func schemaAccepts(_ yaml: String) throws -> (Bool, String) {
        let folder = FileManager.default.temporaryDirectory.appending(path: "agree-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appending(path: "devices"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try yaml.write(to: folder.appending(path: "devices/case.yaml"), atomically: true, encoding: .utf8)
        let run = try JSONSchemaConformanceTests.check(folder)
        return (run.status == 0, run.stdout + run.stderr)
    }

    @Test(arguments: cases) func lintAndSchemaGiveTheSameVerdict(_ item: Case) throws {
        let lint = Support.lint(item.yaml, path: "devices/nxr01.yaml", paths: ["configs/nxr01/baseline.xml"])
        let findings = lint.diagnostics.filter { $0.file == "devices/nxr01.yaml" && $0.severity == .error }
        let (schemaOK, schemaSays) = try Self.schemaAccepts(item.yaml)
        #expect(findings.isEmpty == item.valid, "cms-lint: \(findings.map(\.message))")
        #expect(schemaOK == item.valid, "schema: \(schemaSays)")
    }

    @Test func aQuotedBooleanOrANumberForTextSaysHowToFixIt() {
        let quoted = Support.lint(Self.device + "suspended: \"true\"\n", path: "devices/nxr01.yaml")
        let finding = quoted.diagnostics.first { $0.file == "devices/nxr01.yaml" }
        #expect(finding?.message == "`suspended` must be true or false, found the text \"true\"")
        #expect(finding?.hint == "remove the quotes: `suspended: true`")
        let number = Support.lint(Self.device + "note: 12345\n", path: "devices/nxr01.yaml")
        let noteFinding = number.diagnostics.first { $0.file == "devices/nxr01.yaml" }
        #expect(noteFinding?.message == "`note` must be text, found a number (`12345`)")
        #expect(noteFinding?.hint == "quote it: `note: \"12345\"`")
    }

    @Test func everySchemaDeclaresItsDraftAndAnID() throws {
        for kind in JSONSchemaConformanceTests.kinds {
            let url = JSONSchemaConformanceTests.root.appending(path: "schemas/\(kind).schema.json")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any], "\(kind)")
            #expect(object["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema", "\(kind)")
            let id = try #require(object["$id"] as? String, "\(kind) has an $id")
            #expect(id.hasSuffix("/schemas/\(kind).schema.json"), "\(kind): \(id)")
        }
    }
}
