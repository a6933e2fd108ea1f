import CMSImport
import Foundation
import Testing

/// Issue 17: a device list exported with a header row imports without an error line for the header.
@Suite struct CSVHeaderTests {
    @Test(arguments: [
        ("code,name,product,note,config-file-name,config-flag", true),
        ("Device Code, Name, Product, Note", true),
        ("機器コード,機器名,機種,備考", true),
        ("code,名前,NXR-120,", false),  // a device called "code": a real line
        ("tokyo01,Tokyo,NXR-120,", false),
        ("x,y,product", true),
    ])
    func headerRowsAreRecognised(_ line: String, _ header: Bool) {
        let record = CSVReader.records(in: line + "\n")[0]
        #expect(CSVHeader.isHeader(record) == header, "\(line)")
    }

    @Test func aListWithAHeaderRowImportsItsDevicesOnly() throws {
        let dir = FileManager.default.temporaryDirectory.appending(path: "csv-header-\(UUID().uuidString)")
        let repo = dir.appending(path: "repo")
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "apiVersion: cms/v1\nkind: Tenant\ncode: century\n".write(
            to: repo.appending(path: "tenant.yaml"), atomically: true, encoding: .utf8)
        let csv = dir.appending(path: "list.csv")
        try "\u{FEFF}code,name,product,note\ntokyo01,Tokyo,NXR-120,\nosaka02,Osaka,NXR-230,2F\n".write(
            to: csv, atomically: true, encoding: .utf8)
        let outcome = try DeviceImporter(repo: repo).run(input: csv)
        #expect(outcome.plan.errorCount == 0, "the header is not an error line")
        #expect(outcome.disposition == .written)
        #expect(FileManager.default.fileExists(atPath: repo.appending(path: "devices/tokyo01.yaml").path))
        #expect(FileManager.default.fileExists(atPath: repo.appending(path: "devices/osaka02.yaml").path))
        #expect(!FileManager.default.fileExists(atPath: repo.appending(path: "devices/code.yaml").path))
        #expect(outcome.plan.lines.allSatisfy { $0.line != 1 }, "line numbers stay those of the file")
    }
}
