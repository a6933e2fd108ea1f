import Foundation
import Testing

/// Runs the built `cms` executable, as an operator would.
struct CMSBinary {
    var url: URL

    /// The `cms` binary beside the test bundle (SwiftPM builds every product into one folder).
    static func locate() throws -> CMSBinary {
        var candidates: [URL] = []
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = exe.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appending(path: "cms"))
            folder = folder.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(root.appending(path: ".build/debug/cms"))
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
        return CMSBinary(url: try #require(found, "build the cms product first (swift build --build-tests)"))
    }

    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }
}

@Suite("cms import devices, end to end")
struct ImportCommandTests {
    @Test("a Shift_JIS CSV: check result per line, exit 1 and nothing written; --skip-errors writes; re-run replaces")
    func shiftJISEndToEnd() throws {
        let cms = try CMSBinary.locate()
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let repo = dir.appending(path: "repo")
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        // The lines with flags need their config files in the repository (a plain CSV carries none).
        for (code, file) in [
            ("ochanomizu", "nxr1.xml"), ("suidobashi", "nxr2.tgz"), ("iidabashi", "nxr3.config"),
            ("ichigaya", "nxr4.config"), ("shinjuku", "nxr6.config"), ("kichijoji", "nxr7.config"),
        ] {
            try write("hostname \(code)\n", to: repo.appending(path: "configs/\(code)/\(file)"))
        }
        let csv = dir.appending(path: "nodelist.csv")
        try iconvBytes(guideCSV, to: "SHIFT_JIS").write(to: csv)

        let dry = try cms.run([
            "import", "devices", csv.path, "--encoding", "shift_jis", "--repo", repo.path, "--dry-run",
        ])
        #expect(dry.status == 1)
        let lines = dry.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.first
                == "line 1: add ochanomizu: 御茶ノ水, NXR-120; nxr1.xml already in configs/ochanomizu/nxr1.xml; "
                + "flags: none"
        )
        #expect(
            lines.contains(
                "line 5: error ebisu: config file nxr5.config (flag 4: delete) is not in "
                    + "configs/ebisu/nxr5.config nor in the device's configs"
            ))
        #expect(lines.contains("7 lines: 6 add, 0 replace, 1 error"))
        #expect(!FileManager.default.fileExists(atPath: repo.appending(path: "devices").path))

        let blocked = try cms.run(["import", "devices", csv.path, "--encoding", "shift_jis", "--repo", repo.path])
        #expect(blocked.status == 1)
        #expect(blocked.stdout.contains("nothing written: 1 line(s) are errors"))
        #expect(!FileManager.default.fileExists(atPath: repo.appending(path: "devices").path))

        let done = try cms.run([
            "import", "devices", csv.path, "--encoding", "shift_jis", "--repo", repo.path,
            "--skip-errors",
        ])
        #expect(done.status == 0)
        #expect(done.stdout.contains("wrote devices/kichijoji.yaml"))
        let yaml = try String(contentsOf: repo.appending(path: "devices/shinjuku.yaml"), encoding: .utf8)
        #expect(
            yaml == """
                # yaml-language-server: $schema=../schemas/device.schema.json
                apiVersion: cms/v1
                kind: Device
                code: shinjuku
                name: 新宿
                product: NXR-155
                note: メモ 6
                configs:
                  - file: nxr6.config
                    autoConfig: true
                    autoConfigSave: true
                    schedule: false

                """)

        let again = try cms.run([
            "import", "devices", csv.path, "--encoding", "shift_jis", "--repo", repo.path,
            "--skip-errors",
        ])
        #expect(again.stdout.contains("6 replace"))
        #expect(again.stdout.contains("nothing to change"))

        // What the import writes is valid for the independent JSON Schema validator too.
        let checker = Process()
        checker.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        checker.arguments = [root.appending(path: "scripts/check-schemas.py").path, repo.path]
        let output = Pipe()
        checker.standardOutput = output
        checker.standardError = Pipe()
        try checker.run()
        let findings = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        checker.waitUntilExit()
        #expect(checker.terminationStatus == 0, "\(findings)")
    }

    @Test("the wrong encoding and a hostile ZIP are refused with exit 2 and a message on stderr")
    func fatalInputs() throws {
        let cms = try CMSBinary.locate()
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appending(path: "nodelist.csv")
        try iconvBytes(guideCSV, to: "SHIFT_JIS").write(to: csv)
        let wrong = try cms.run(["import", "devices", csv.path, "--repo", dir.path])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("not valid utf-8"))
        #expect(wrong.stderr.contains("--encoding"))

        let zip = dir.appending(path: "evil.zip")
        try makeZip([
            ZipItem(path: "l.csv", data: Data("dev1,D,NXR-120,,x.xml,0\n".utf8)),
            ZipItem(path: "../x.xml", data: Data("x".utf8)),
        ]).write(to: zip)
        let evil = try cms.run(["import", "devices", zip.path, "--repo", dir.path])
        #expect(evil.status == 2)
        #expect(evil.stderr.contains("\"../x.xml\" is refused"))
        #expect(evil.stderr.contains("[zip-unsafe-entry]"))
        #expect(!FileManager.default.fileExists(atPath: dir.appending(path: "devices").path))
    }

    @Test("--encoding rejects unknown names")
    func badEncodingName() throws {
        let result = try CMSBinary.locate().run(["import", "devices", "x.csv", "--encoding", "latin1"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("latin1"))
    }
}
