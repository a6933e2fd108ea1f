import Foundation
import Testing

/// The JSON Schemas in `schemas/` checked by an independent validator (Python `jsonschema`, draft 2020-12):
/// the example tenant repository must pass, and deliberately bad documents must fail with the right message,
/// so a schema can neither reject the format's own example nor silently accept garbage.
@Suite("JSON Schemas against an independent validator")
struct JSONSchemaConformanceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let script = root.appending(path: "scripts/check-schemas.py")
    static let kinds = ["tenant", "device", "group", "schedule", "mail", "firmware"]

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func check(_ folder: URL) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script.path, folder.path]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test("every document of examples/tenant-repo is valid against the schema of its kind")
    func exampleRepositoryIsValid() throws {
        let run = try Self.check(Self.root.appending(path: "examples/tenant-repo"))
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.isEmpty)
        // The example really is the whole format: at least 30 documents checked, none skipped silently.
        let checked = run.stderr.split(separator: " ").first.flatMap { Int($0) } ?? 0
        #expect(checked >= 30, "\(run.stderr)")
    }

    @Test("every YAML example in docs/tenant-repo.md is valid against the schema of its kind")
    func documentationExamplesAreValid() throws {
        let text = try String(contentsOf: Self.root.appending(path: "docs/tenant-repo.md"), encoding: .utf8)
        let folder = FileManager.default.temporaryDirectory.appending(path: "doc-yaml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var count = 0
        for block in text.components(separatedBy: "```yaml\n").dropFirst() {
            let body = block.components(separatedBy: "```").first ?? ""
            guard body.contains("apiVersion:") else { continue }
            count += 1
            try body.write(to: folder.appending(path: "doc\(count).yaml"), atomically: true, encoding: .utf8)
        }
        #expect(count >= 6, "one example per kind at least")
        let run = try Self.check(folder)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    }

    @Test("each example YAML file starts with a modeline naming the existing schema of its kind")
    func modelinesPointAtTheSchemas() throws {
        let examples = Self.root.appending(path: "examples/tenant-repo")
        let walker = try #require(FileManager.default.enumerator(atPath: examples.path))
        var files = 0
        for case let relative as String in walker where relative.hasSuffix(".yaml") {
            files += 1
            let url = examples.appending(path: relative)
            let text = try String(contentsOf: url, encoding: .utf8)
            let first = String(text.split(separator: "\n").first ?? "")
            let prefix = "# yaml-language-server: $schema="
            #expect(first.hasPrefix(prefix), "\(relative)")
            let target = url.deletingLastPathComponent().appending(path: String(first.dropFirst(prefix.count)))
                .standardizedFileURL
            #expect(FileManager.default.fileExists(atPath: target.path), "\(relative) → \(target.path)")
            let kind = text.split(separator: "\n").first { $0.hasPrefix("kind: ") }.map { $0.dropFirst(6).lowercased() }
            #expect(target.lastPathComponent == "\(kind ?? "?").schema.json", "\(relative)")
        }
        #expect(files >= 20)
    }

    static let header = "apiVersion: cms/v1\n"
    static let device = header + "kind: Device\ncode: dev1\nproduct: NXR-120\n"
    static let group = header + "kind: Group\nname: g\n"
    static let schedule = header + "kind: Schedule\nname: s\ncommand: reboot\ntarget: all\n"
    static let mail = header + "kind: Mail\n"
    static let firmware = header + "kind: Firmware\nname: f\nproduct: NXR-120\n"
    static let tenant = header + "kind: Tenant\ncode: century\n"
    static let sha = String(repeating: "a", count: 64)

    /// A bad document and the `path: message` fragment the validator must print for it.
    @Test(
        "a bad document fails with the expected path and message",
        arguments: [
            (device + "colour: red\n", "doc 1: $: Additional properties are not allowed ('colour' was unexpected)"),
            (header + "kind: Device\ncode: 1bad\nproduct: NXR-120\n", "$.code: '1bad' does not match"),
            (header + "kind: Device\ncode: dev1\nproduct: NXR-999\n", "$.product: 'NXR-999' is not one of"),
            (device + "name: \(String(repeating: "名", count: 33))\n", "$.name:"),
            (device + "note: \(String(repeating: "x", count: 65))\n", "is too long"),
            (device + "ikeId: {value: bad--id.example}\n", "$.ikeId.value: 'bad--id.example' does not match"),
            (device + "ikeId: {type: user-fqdn, value: no-at-sign.example}\n", "$.ikeId.value:"),
            (device + "firmware: {image: x, mode: background}\n", "$.firmware.mode: 'normal' was expected"),
            (
                device + "configs:\n  - {file: a.xml}\n  - {file: b.xml}\n  - {file: c.xml}\n  - {file: d.xml}\n",
                "$.configs: "
            ),
            (
                device + "configs:\n  - {file: a.xml, schedule: true}\n  - {file: b.xml, schedule: true}\n",
                "$.configs: Too many items match the given schema (expected at most 1)"
            ),
            (device + "configs:\n  - {file: a-b.xml}\n", "$.configs[0].file: 'a-b.xml' does not match"),
            (
                device + "configs:\n  - {file: a.xml, autoConfigSave: true}\n",
                "$.configs[0]: 'autoConfig' is a required property"
            ),
            (
                device + "configs:\n  - {file: a.config, enforce: true}\n",
                "$.configs[0].file: 'a.config' does not match"
            ),
            (device + "hostKey: SHA256:short\n", "$.hostKey: 'SHA256:short' does not match"),
            (
                group + "type: ipsec-star\nmembers:\n  - {device: a, wan: ppp0, lan: host}\n",
                "$.members: [{'device': 'a', 'wan': 'ppp0', 'lan': 'host'}] does not contain items matching"
            ),
            (
                group + "type: ipsec-star\nmembers:\n  - {device: a, role: center, wan: ppp0, lan: host}\n"
                    + "  - {device: b, role: center, wan: ppp0, lan: host}\n", "$.members: Too many items match"
            ),
            (
                group + "type: ipsec-mesh\nmembers:\n  - {device: a, wan: eth0, lan: host}\n",
                "$.members[0].wan: 'eth0' does not match"
            ),
            (group + "type: ipsec-mesh\nmembers:\n  - {device: a, wan: ppp0, lan: 10.0.0.0/33}\n", "$.members[0].lan:"),
            (
                group + "type: ipsec-mesh\nmembers:\n  - {device: a, wan: ppp0}\n",
                "$.members[0]: 'lan' is a required property"
            ),
            (
                group
                    + "type: ipsec-mesh\nipsec: {lowerLayer: ipv6}\nmembers:\n  - {device: a, wan: ppp0, lan: host}\n",
                "$.members[0]: 'ipv6' is a required property"
            ),
            (
                group
                    + "type: ipsec-mesh\nipsec: {lowerLayer: ipv6}\nmembers:\n  - {device: a, wan: ppp0, lan: host, ipv6: 'zz::1'}\n",
                "$.members[0].ipv6: 'zz::1' is not a 'ipv6'"
            ),
            (
                group + "type: ipsec-mesh\nmembers:\n  - {device: a, role: center, wan: ppp0, lan: host}\n",
                "$.members[0]: "
            ),
            (
                group + "type: monitor\nmembers:\n  - {device: a, wan: ppp0}\n",
                "$.members[0]: Additional properties are not allowed ('wan' was unexpected)"
            ),
            (group + "ipsec: {saLifetime: 100}\n", "doc 1: $: "),
            (
                group + "type: ipsec-mesh\nipsec: {saLifetime: 100}\n",
                "$.ipsec.saLifetime: 100 is less than the minimum of 1081"
            ),
            (group + "type: ipsec-mesh\nipsec: {pfs: 3}\n", "$.ipsec.pfs: 3 is not one of"),
            (schedule + "when: {hour: 24, minute: 0}\n", "$.when.hour:"),
            (schedule + "when: {weekday: weekends, hour: 1, minute: 0}\n", "$.when"),
            (schedule + "when: {hour: any, minute: any}\n", "$.when.minute:"),
            (schedule + "when: {minute: 0}\nnote: \(String(repeating: "n", count: 65))\n", "$.note: "),
            (
                header + "kind: Schedule\nname: s\ncommand: firmware-update\ntarget: all\nwhen: {hour: 1, minute: 0}\n",
                "$: 'firmware' is a required property"
            ),
            (schedule + "firmware: f\nwhen: {hour: 1, minute: 0}\n", "doc 1: $: "),
            (
                header + "kind: Schedule\nname: s\ncommand: reboot\ntarget: {grp: g}\nwhen: {hour: 1, minute: 0}\n",
                "$.target"
            ),
            (schedule + "target: all\nwhen: {hour: 1, minute: 0}\n", "duplicate key 'target'"),
            (
                mail
                    + "servers:\n  - {name: a, host: h, port: 25, from: a@b.jp, auth: login, user: u, password: plaintext}\n",
                "$.servers[0].password: 'plaintext' is not valid under any of the given schemas"
            ),
            (
                mail
                    + "servers:\n  - {name: a, host: h, port: 25, from: a@b.jp, auth: pop-before-smtp, user: u, password: {env: X}}\n",
                "$.servers[0]: 'pop' is a required property"
            ),
            (
                mail
                    + "servers:\n  - {name: a, host: h, port: 25, from: a@b.jp, auth: none}\n  - {name: b, host: h, port: 25, from: a@b.jp, auth: none}\n"
                    + "  - {name: c, host: h, port: 25, from: a@b.jp, auth: none}\n  - {name: d, host: h, port: 25, from: a@b.jp, auth: none}\n",
                "$.servers: "
            ),
            (mail + "servers: []\n", "$.servers: []"),
            (mail + "servers:\n  - {name: a, host: h, from: a@b.jp}\n", "$.servers[0]: 'port' is a required property"),
            (
                mail + "servers:\n  - {name: a, host: h, port: 25, from: a@b.jp, user: u}\n",
                "$.servers[0]: {'name': 'a', 'host': 'h', 'port': 25, 'from': 'a@b.jp', 'user': 'u'} should not be valid"
            ),
            (
                mail + "minInterval: 10\nservers:\n  - {name: a, host: h, port: 25, from: a@b.jp, auth: none}\n",
                "$.minInterval: 10 is less than the minimum of 30"
            ),
            (
                mail
                    + "servers:\n  - {name: a, host: h, port: 25, from: a@b.jp, auth: none}\nmonitorRecipients: [a, b, c, d]\n",
                "$.monitorRecipients: "
            ),
            (firmware + "url: http://127.0.0.1/x\nsha256: abc\n", "$.sha256: 'abc' does not match"),
            (firmware + "url: http://127.0.0.1/x\nfile: x.bin\nsha256: \(sha)\n", "doc 1: $: "),
            (
                firmware + "url: http://127.0.0.1/x\nsha256: \(sha)\nversion: 5.26.0 beta\n",
                "$.version: '5.26.0 beta' does not match"
            ),
            (
                tenant + "timeZone: Asia/Tokyo\nike: {lifetime: 100}\n",
                "$.ike.lifetime: 100 is less than the minimum of 1081"
            ),
            (
                tenant + "timeZone: Asia/Tokyo\nike: {dpd: {retries: 31}}\n",
                "$.ike.dpd.retries: 31 is greater than the maximum of 30"
            ),
            (tenant + "timeZone: Asia/Tokyo\nrollout: {maxConcurrent: 41}\n", "$.rollout.maxConcurrent: 41"),
            (tenant + "timeZone: Asia/Tokyo\ncrpSecret: hunter2\n", "$.crpSecret: 'hunter2' is not valid"),
            (tenant + "name: x\n", "$: 'timeZone' is a required property"),
            (header + "kind: Widget\n", "$.kind: unknown kind 'Widget'"),
            ("- just\n- a list\n", "$: a document must be a mapping"),
        ])
    func badDocumentFails(yaml: String, expected: String) throws {
        let dir = FileManager.default.temporaryDirectory.appending(path: "cms-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(yaml.utf8).write(to: dir.appending(path: "bad.yaml"))
        let run = try Self.check(dir)
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("bad.yaml: doc 1: "), "\(run.stdout)")
        #expect(run.stdout.contains(expected), "expected \(expected) in:\n\(run.stdout)")
    }

    @Test("every schema is a valid draft 2020-12 schema that closes its objects")
    func schemasAreStrict() throws {
        for kind in Self.kinds {
            let url = Self.root.appending(path: "schemas/\(kind).schema.json")
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
            let schema = try #require(object, "\(kind)")
            #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
            #expect(schema["additionalProperties"] as? Bool == false, "\(kind)")
            let properties = try #require(schema["properties"] as? [String: Any])
            #expect((properties["kind"] as? [String: Any])?["const"] as? String == kind.capitalized)
        }
    }
}
