import Foundation
import Testing
@testable import CMSImport

@Suite("Importing into a repository on disk")
struct DeviceImporterTests {
    /// All regular files under `root`, repository-relative, with their contents.
    func files(_ root: URL) -> [String: Data] {
        var result: [String: Data] = [:]
        let base = root.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: base) else { return result }
        for case let relative as String in walker {
            let url = URL(fileURLWithPath: base).appending(path: relative)
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                result[relative] = try? Data(contentsOf: url)
            }
        }
        return result
    }

    func options(dryRun: Bool = false, skipErrors: Bool = false, encoding: CSVEncoding = .utf8)
        -> DeviceImporter.Options
    {
        var options = DeviceImporter.Options()
        options.dryRun = dryRun
        options.skipErrors = skipErrors
        options.encoding = encoding
        return options
    }

    func guideZip(in dir: URL) throws -> URL {
        var items = [ZipItem(path: "nodelist.csv", data: try #require(guideCSV.data(using: .shiftJIS)))]
        for (name, text) in ImportPlannerTests.allFiles { items.append(ZipItem(path: name, data: Data(text.utf8))) }
        let url = dir.appending(path: "nodelist.zip")
        try makeZip(items).write(to: url)
        return url
    }

    @Test("a dry run writes nothing, even with good lines")
    func dryRun() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let repo = dir.appending(path: "repo")
        try write("apiVersion: cms/v1\nkind: Tenant\ncode: century\n", to: repo.appending(path: "tenant.yaml"))
        let before = files(repo)
        let outcome = try DeviceImporter(repo: repo, options: options(dryRun: true, encoding: .shiftJIS))
            .run(input: try guideZip(in: dir))
        #expect(outcome.disposition == .dryRun)
        #expect(outcome.changes.count == 12)
        #expect(files(repo) == before)
    }

    @Test("an error line blocks all writing unless --skip-errors; then the good lines are written")
    func errorsBlock() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let repo = dir.appending(path: "repo")
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        let zip = try guideZip(in: dir)
        let blocked = try DeviceImporter(repo: repo, options: options(encoding: .shiftJIS)).run(input: zip)
        #expect(blocked.disposition == .blockedByErrors)
        #expect(blocked.plan.errorCount == 1)
        #expect(files(repo).isEmpty)

        let written = try DeviceImporter(repo: repo, options: options(skipErrors: true, encoding: .shiftJIS)).run(
            input: zip)
        #expect(written.disposition == .written)
        let onDisk = files(repo)
        #expect(
            onDisk.keys.sorted() == [
                "configs/ichigaya/nxr4.config", "configs/iidabashi/nxr3.config", "configs/kichijoji/nxr7.config",
                "configs/ochanomizu/nxr1.xml", "configs/shinjuku/nxr6.config", "configs/suidobashi/nxr2.tgz",
                "devices/ichigaya.yaml", "devices/iidabashi.yaml", "devices/kichijoji.yaml", "devices/ochanomizu.yaml",
                "devices/shinjuku.yaml", "devices/suidobashi.yaml",
            ])
        let ochanomizu = try #require(onDisk["devices/ochanomizu.yaml"])
        #expect(String(decoding: ochanomizu, as: UTF8.self).contains("name: 御茶ノ水"))
        // No temporary file is left behind.
        #expect(!onDisk.keys.contains { $0.contains(".tmp") })
    }

    @Test("an identical config file keeps its modification time; a changed one is replaced")
    func identicalKeepsFile() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let repo = dir.appending(path: "repo")
        let target = repo.appending(path: "configs/dev1/a.xml")
        try write("<same/>", to: target)
        let old = Date(timeIntervalSince1970: 1_000_000)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: target.path)
        let zip = dir.appending(path: "l.zip")
        try makeZip([
            ZipItem(path: "l.csv", data: Data("dev1,D,NXR-120,,a.xml,0\n".utf8)),
            ZipItem(path: "a.xml", data: Data("<same/>".utf8)),
        ]).write(to: zip)
        _ = try DeviceImporter(repo: repo).run(input: zip)
        let mtime = try FileManager.default.attributesOfItem(atPath: target.path)[.modificationDate] as? Date
        #expect(mtime == old)
        #expect(FileManager.default.fileExists(atPath: repo.appending(path: "devices/dev1.yaml").path))
    }

    @Test(
        "a hostile ZIP is refused as a whole and nothing is written", arguments: ["../x.xml", "/etc/x.xml", "d/a.xml"])
    func hostileWritesNothing(path: String) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let repo = dir.appending(path: "repo")
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        let zip = dir.appending(path: "h.zip")
        try makeZip([
            ZipItem(path: "l.csv", data: Data("dev1,D,NXR-120,,x.xml,0\n".utf8)),
            ZipItem(path: path, data: Data("x".utf8)),
        ]).write(to: zip)
        #expect(throws: ImportError.self) { try DeviceImporter(repo: repo).run(input: zip) }
        #expect(files(dir).keys.sorted() == ["h.zip"])
    }

    @Test("a symlinked configs folder is not written through")
    func symlinkedConfigs() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let repo = dir.appending(path: "repo")
        let outside = dir.appending(path: "outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: repo.appending(path: "configs"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: repo.appending(path: "configs/dev1"), withDestinationURL: outside)
        let zip = dir.appending(path: "l.zip")
        try makeZip([
            ZipItem(path: "l.csv", data: Data("dev1,D,NXR-120,,a.xml,0\n".utf8)),
            ZipItem(path: "a.xml", data: Data("<x/>".utf8)),
        ]).write(to: zip)
        let error = try #require(throws: ImportError.self) { try DeviceImporter(repo: repo).run(input: zip) }
        #expect(error.description.contains("symbolic link"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    }

    @Test("invalid YAML in the repository stops the import, so no existing device is missed")
    func invalidRepoYAML() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let repo = dir.appending(path: "repo")
        try write("kind: Device\ncode: [unclosed\n", to: repo.appending(path: "devices/x.yaml"))
        let csv = dir.appending(path: "l.csv")
        try write("dev1,D,NXR-120,\n", to: csv)
        let error = try #require(throws: ImportError.self) { try DeviceImporter(repo: repo).run(input: csv) }
        #expect(error.description.contains("devices/x.yaml"))
    }

    @Test("inputs other than .csv or .zip, and oversize CSVs, are refused before reading")
    func inputKinds() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let txt = dir.appending(path: "l.txt")
        try write("x", to: txt)
        #expect(throws: ImportError.unsupportedInput(path: txt.path)) { try DeviceImporter.load(txt) }
        let csv = dir.appending(path: "l.csv")
        try write(String(repeating: "a", count: 100), to: csv)
        var limits = DeviceListBundle.Limits()
        limits.maxCSVBytes = 10
        #expect(throws: ImportError.inputTooLarge(path: csv.path, size: 100, limit: 10)) {
            try DeviceImporter.load(csv, limits: limits)
        }
    }

    @Test("a repository folder that does not exist is refused")
    func missingRepo() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appending(path: "l.csv")
        try write("dev1,D,NXR-120,\n", to: csv)
        let missing = dir.appending(path: "nope")
        let error = try #require(throws: ImportError.self) { try DeviceImporter(repo: missing).run(input: csv) }
        #expect(error == .repoNotFound(path: missing.path))
        #expect(!FileManager.default.fileExists(atPath: missing.path))
    }

    @Test("a new device's modeline reuses the one of the repository's existing device files")
    func modelineReuse() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let repo = dir.appending(path: "repo")
        let line = "# yaml-language-server: $schema=https://example.jp/schemas/device.schema.json"
        try write(
            "\(line)\napiVersion: cms/v1\nkind: Device\ncode: old\nname: O\nproduct: NXR-120\n",
            to: repo.appending(path: "devices/old.yaml"))
        let csv = dir.appending(path: "l.csv")
        try write("dev1,D,NXR-120,\n", to: csv)
        _ = try DeviceImporter(repo: repo).run(input: csv)
        let text = try String(contentsOf: repo.appending(path: "devices/dev1.yaml"), encoding: .utf8)
        #expect(text.hasPrefix(line + "\n"))
    }
}
