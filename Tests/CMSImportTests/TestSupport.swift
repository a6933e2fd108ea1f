import Foundation
import Testing
@testable import CMSImport

/// The seven devices of the guide's CSV example (§3.3.1.7), byte for byte as printed.
let guideCSV = """
    ochanomizu,御茶ノ水,NXR-120,メモ 1,nxr1.xml,0
    suidobashi,水道橋,NXR-120,メモ 2,nxr2.tgz,1
    iidabashi,飯田橋,NXR-120,メモ 3,nxr3.config,2
    ichigaya,市ヶ谷,NXR-120,メモ 4,nxr4.config,3
    ebisu,恵比寿,NXR-120,メモ 5,nxr5.config,4
    shinjuku,新宿,NXR-155,メモ 6,nxr6.config,5
    kichijoji,吉祥寺,NXR-130,メモ 7,nxr7.config,6

    """

/// A fresh folder under the system temp directory, removed by the caller with `defer`.
func makeTempDir(_ label: String = "cms-import") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appending(path: "\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func write(_ text: String, to url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
}

/// Converts UTF-8 text with the system's `iconv` program, independent of the importer's own decoder.
func iconvBytes(_ text: String, to encoding: String) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
    process.arguments = ["-f", "UTF-8", "-t", encoding]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    return data
}

/// A snapshot built from in-memory files, as the reader would build it from disk.
func snapshot(yaml: [String: String] = [:], configs: [String: [String: String]] = [:]) -> RepoSnapshot {
    var snapshot = RepoSnapshot()
    for (path, text) in yaml.sorted(by: { $0.key < $1.key }) { snapshot.addYAML(path: path, text: text) }
    for (code, files) in configs {
        for (name, text) in files { snapshot.configFiles[code, default: [:]][name] = Data(text.utf8) }
    }
    return snapshot
}

func plan(_ csv: String, archive: [String: String] = [:], repo: RepoSnapshot = RepoSnapshot()) -> ImportPlan {
    ImportPlanner.plan(
        records: CSVReader.records(in: csv), archiveFiles: archive.mapValues { Data($0.utf8) },
        snapshot: repo)
}

extension ImportPlan {
    func written(_ path: String) -> String? {
        for case .write(let p, let data) in changes where p == path { return String(decoding: data, as: UTF8.self) }
        return nil
    }
}
