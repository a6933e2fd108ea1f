import Foundation
import Testing

/// schemas/nxr.yang, schemas/examples/ and docs/nxr-model.md must agree: yanglint (Debian
/// libyang2-tools) accepts the module and every example, and the doc shows the files verbatim.
@Suite("NXR YANG model")
struct YangModelTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let module = root.appendingPathComponent("schemas/nxr.yang").path
    static let examples = root.appendingPathComponent("schemas/examples")

    struct Run {
        var status: Int32
        var output: String
    }

    /// Runs yanglint with the given arguments; stdout and stderr together.
    static func yanglint(_ arguments: [String]) throws -> Run {
        let candidates = ["/usr/bin/yanglint", "/usr/local/bin/yanglint"]
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            Issue.record("yanglint not found: install Debian libyang2-tools (scripts/setup.sh)")
            return Run(status: -1, output: "")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = examples
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    static func exampleFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { $0.hasSuffix(".xml") }.sorted()
    }

    @Test("the module compiles with no error or warning")
    func moduleIsClean() throws {
        let run = try Self.yanglint([Self.module])
        #expect(run.status == 0)
        #expect(run.output.isEmpty, "yanglint said: \(run.output)")
    }

    @Test("the configuration example validates as config and the state example as data")
    func datastoreExamples() throws {
        for (type, file) in [("config", "config.xml"), ("data", "state.xml"), ("data", "config.xml")] {
            let run = try Self.yanglint(["-t", type, Self.module, file])
            #expect(run.status == 0 && run.output.isEmpty, "\(file) as \(type): \(run.output)")
        }
    }

    @Test("state nodes are refused in a config datastore, proving validation is strict")
    func stateIsNotConfig() throws {
        let run = try Self.yanglint(["-t", "config", Self.module, "state.xml"])
        #expect(run.status != 0)
        #expect(run.output.contains("state"))
    }

    @Test("every RPC of the module has a request and a reply example that validate")
    func rpcExamples() throws {
        let yang = try String(contentsOfFile: Self.module, encoding: .utf8)
        let rpcs = yang.split(separator: "\n").compactMap { line -> String? in
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("rpc "), t.hasSuffix("{") else { return nil }
            return String(t.dropFirst(4).dropLast().trimmingCharacters(in: .whitespaces))
        }
        #expect(rpcs.count == 10)
        let files = try Self.exampleFiles()
        for rpc in rpcs {
            let request = "rpc-\(rpc).xml"
            let reply = "rpc-\(rpc)-reply.xml"
            #expect(files.contains(request) && files.contains(reply), "missing examples for rpc \(rpc)")
            let r1 = try Self.yanglint(["-t", "nc-rpc", Self.module, request])
            #expect(r1.status == 0 && r1.output.isEmpty, "\(request): \(r1.output)")
            let r2 = try Self.yanglint(["-t", "nc-reply", "-R", request, Self.module, reply])
            #expect(r2.status == 0 && r2.output.isEmpty, "\(reply): \(r2.output)")
        }
    }

    @Test("every notification example validates")
    func notificationExamples() throws {
        let files = try Self.exampleFiles().filter { $0.hasPrefix("notification-") }
        #expect(files.count == 2)
        for file in files {
            let run = try Self.yanglint(["-t", "nc-notif", Self.module, file])
            #expect(run.status == 0 && run.output.isEmpty, "\(file): \(run.output)")
        }
    }

    @Test(
        "an out-of-range value in an example is caught",
        arguments: [
            ("rpc-ping.xml", "<count>3</count>", "<count>61</count>", "nc-rpc"),
            ("rpc-packet-dump.xml", "<duration>10</duration>", "<duration>9</duration>", "nc-rpc"),
            ("config.xml", "<dh-group>5</dh-group>", "<dh-group>3</dh-group>", "config"),
            ("config.xml", "<ike-policy>office</ike-policy>", "<ike-policy>nowhere</ike-policy>", "config"),
            ("config.xml", "<cpe-id>nxr01</cpe-id>", "<cpe-id>NXR01</cpe-id>", "config"),
        ])
    func mutationsFail(file: String, original: String, replacement: String, type: String) throws {
        let text = try String(contentsOf: Self.examples.appendingPathComponent(file), encoding: .utf8)
        #expect(text.contains(original))
        let mutated = FileManager.default.temporaryDirectory
            .appendingPathComponent("nxr-mutated-\(UUID().uuidString).xml")
        try text.replacingOccurrences(of: original, with: replacement).write(
            to: mutated, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: mutated) }
        let run = try Self.yanglint(["-t", type, Self.module, mutated.path])
        #expect(run.status != 0, "yanglint accepted \(replacement) in \(file)")
    }

    @Test("docs/nxr-model.md shows every example file verbatim")
    func docMatchesExamples() throws {
        let doc = try String(contentsOf: Self.root.appendingPathComponent("docs/nxr-model.md"), encoding: .utf8)
        for file in try Self.exampleFiles() {
            let marker = "<!-- file: schemas/examples/\(file) -->\n```xml\n"
            let content = try String(contentsOf: Self.examples.appendingPathComponent(file), encoding: .utf8)
            #expect(doc.contains(marker + content + "```"), "docs/nxr-model.md does not show \(file) verbatim")
        }
    }
}
