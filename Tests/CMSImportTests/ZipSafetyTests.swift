import Foundation
import Testing
import ZIPFoundation
@testable import CMSImport

/// One entry of a ZIP built by the tests.
struct ZipItem: Sendable {
    enum Kind: Sendable { case file, directory, symlink }
    var path: String
    var type: Kind = .file
    var data = Data()
    var deflate = true
}

/// Builds a ZIP in memory with ZIPFoundation; it writes whatever path and type it is given,
/// which is what a hostile archive does.
func makeZip(_ items: [ZipItem]) throws -> Data {
    let archive = try Archive(accessMode: .create)
    for item in items {
        let data = item.data
        let type: Entry.EntryType =
            switch item.type {
            case .file: .file
            case .directory: .directory
            case .symlink: .symlink
            }
        try archive.addEntry(
            with: item.path, type: type, uncompressedSize: Int64(data.count),
            compressionMethod: item.type == .file && item.deflate ? .deflate : .none
        ) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }
    return try #require(archive.data)
}

/// Rewrites the declared uncompressed size of every entry (local and central headers) to `size`.
func forgeUncompressedSize(_ zip: Data, to size: UInt32) -> Data {
    var bytes = [UInt8](zip)
    let little = withUnsafeBytes(of: size.littleEndian, Array.init)
    var i = 0
    while i + 30 < bytes.count {
        if bytes[i..<i + 4] == [0x50, 0x4B, 0x03, 0x04] { bytes.replaceSubrange(i + 22..<i + 26, with: little) }
        if bytes[i..<i + 4] == [0x50, 0x4B, 0x01, 0x02] { bytes.replaceSubrange(i + 24..<i + 28, with: little) }
        i += 1
    }
    return Data(bytes)
}

@Suite("ZIP device lists and their safety")
struct ZipSafetyTests {
    static let csv = ZipItem(path: "nodelist.csv", data: Data("dev1,D,NXR-120,,a.xml,1\n".utf8))
    static let config = ZipItem(path: "a.xml", data: Data("<config/>".utf8))

    @Test("a flat ZIP gives the CSV and the config files")
    func flatZip() throws {
        let bundle = try DeviceListBundle.fromArchive(try makeZip([Self.csv, Self.config]))
        #expect(bundle.csvName == "nodelist.csv")
        #expect(bundle.csv == Self.csv.data)
        #expect(bundle.files == ["a.xml": Self.config.data])
    }

    @Test(
        "hostile entries are refused with a message naming the entry",
        arguments: [
            (ZipItem(path: "../x.xml", data: Data("x".utf8)), "contains \"..\""),
            (ZipItem(path: "/etc/x.xml", data: Data("x".utf8)), "absolute path"),
            (ZipItem(path: "sub/", type: .directory), "folder"),
            (ZipItem(path: "sub", type: .directory), "it is a folder"),
            (ZipItem(path: "sub/a.xml", data: Data("x".utf8)), "inside a folder"),
            (ZipItem(path: "link.xml", type: .symlink, data: Data("/etc/passwd".utf8)), "symbolic link"),
            (ZipItem(path: "..\\evil.xml", data: Data("x".utf8)), "backslash"),
            (ZipItem(path: "readme.txt", data: Data("x".utf8)), "not a device list or config file"),
        ])
    func hostileEntries(item: ZipItem, reason: String) throws {
        let zip = try makeZip([Self.csv, item])
        let error = try #require(throws: ImportError.self) { try DeviceListBundle.fromArchive(zip) }
        guard case .archiveUnsafeEntry(let entry, let message) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(entry == item.path)
        #expect(message.contains(reason), "\(message)")
    }

    /// Found by the `zip` fuzz harness (fuzz/corpus/zip/crash-offset-past-end): ZIPFoundation's in-memory
    /// archive trapped on an offset past the end of the data. Each forged offset points far past the end.
    @Test(
        "a ZIP whose headers point past its end is refused, not a crash",
        arguments: [
            ("central directory offset", [UInt8]([0x50, 0x4B, 0x05, 0x06]), 16),
            ("local header offset", [UInt8]([0x50, 0x4B, 0x01, 0x02]), 42),
        ])
    func offsetPastEnd(field: String, signature: [UInt8], at fieldOffset: Int) throws {
        var bytes = [UInt8](try makeZip([Self.csv, Self.config]))
        var forged = 0
        var i = 0
        while i + fieldOffset + 4 <= bytes.count {
            if bytes[i..<i + 4].elementsEqual(signature) {
                bytes.replaceSubrange(i + fieldOffset..<i + fieldOffset + 4, with: [0xF0, 0xFF, 0xFF, 0x7F])
                forged += 1
            }
            i += 1
        }
        #expect(forged > 0, "the test ZIP has a \(field) to forge")
        let error = try #require(throws: ImportError.self) { try DeviceListBundle.fromArchive(Data(bytes)) }
        #expect(error.code == "zip-malformed", "\(field): \(error)")
    }

    /// Its directory declares 7 entries; the 4th points past the end. Read file-backed, ZIPFoundation listed
    /// the first 3 and stopped — the import must not go on with 3 of 7 devices' files.
    @Test("the fuzzer's crashing ZIP (a forged offset) is refused as malformed, not shortened")
    func fuzzerCrashInput() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appending(path: "../../fuzz/corpus/zip/crash-offset-past-end").standardizedFileURL
        let zip = try Data(contentsOf: url)
        let error = try #require(throws: ImportError.self) { try DeviceListBundle.fromArchive(zip) }
        #expect(error == .archiveMalformed(reason: "its central directory lists 7 entries but only 3 can be read"))
    }

    @Test("a zip bomb over the cap is refused from its declared size, before decompressing")
    func declaredBomb() throws {
        let bomb = ZipItem(path: "bomb.xml", data: Data(count: 33 * 1024 * 1024))
        let zip = try makeZip([Self.csv, bomb])
        #expect(zip.count < 3 * 1024 * 1024)
        #expect(throws: ImportError.archiveEntryTooLarge(entry: "bomb.xml", limit: 32 * 1024 * 1024)) {
            try DeviceListBundle.fromArchive(zip)
        }
    }

    @Test("an entry that inflates beyond its forged small size is stopped while decompressing")
    func forgedSizeBomb() throws {
        let zip = forgeUncompressedSize(
            try makeZip([
                ZipItem(path: "bomb.xml", data: Data(count: 4 * 1024 * 1024)),
                Self.csv,
            ]), to: 100)
        let error = try #require(throws: ImportError.self) { try DeviceListBundle.fromArchive(zip) }
        // The declared size passed the first check; the count of inflated bytes is what stops it.
        #expect(error == .archiveEntryTooLarge(entry: "bomb.xml", limit: 32 * 1024 * 1024), "\(error)")
    }

    @Test("an archive over 3 MB is refused")
    func oversizeArchive() throws {
        // Stored, not deflated: the archive is as large as its content.
        let zip = try makeZip([
            Self.csv, ZipItem(path: "big.tgz", data: Data(count: 3 * 1024 * 1024 + 10), deflate: false),
        ])
        #expect(zip.count > 3 * 1024 * 1024)
        let error = try #require(throws: ImportError.self) { try DeviceListBundle.fromArchive(zip) }
        #expect(error == .archiveTooLarge(size: zip.count, limit: 3 * 1024 * 1024))
        #expect(error.description.contains("3 MB"))
    }

    @Test("a ZIP without a CSV, with two CSVs, or that is not a ZIP at all is refused")
    func wrongContents() throws {
        #expect(throws: ImportError.archiveNoCSV) { try DeviceListBundle.fromArchive(try makeZip([Self.config])) }
        let two = try makeZip([Self.csv, ZipItem(path: "other.csv", data: Data())])
        #expect(throws: ImportError.archiveSeveralCSV(["nodelist.csv", "other.csv"])) {
            try DeviceListBundle.fromArchive(two)
        }
        let notZip = try #require(throws: ImportError.self) { try DeviceListBundle.fromArchive(Data("PK?".utf8)) }
        #expect(notZip.code == "zip-malformed")
    }

    @Test("a corrupted entry is detected by its CRC")
    func corrupted() throws {
        var bytes = [UInt8](
            try makeZip([
                ZipItem(
                    path: "nodelist.csv", data: Data(repeating: 0x41, count: 64),
                    deflate: false)
            ]))
        // Flip one byte of the stored content (it follows the 30-byte local header and the name).
        bytes[30 + "nodelist.csv".utf8.count + 5] ^= 0xFF
        let error = try #require(throws: ImportError.self) { try DeviceListBundle.fromArchive(Data(bytes)) }
        #expect(error.code == "zip-malformed")
    }
}
