import Foundation
import Testing
@testable import CMSImport

@Suite("Device-list encodings")
struct EncodingTests {
    /// The parsed names of the guide's seven devices, whatever the encoding was.
    static let guideNames = ["御茶ノ水", "水道橋", "飯田橋", "市ヶ谷", "恵比寿", "新宿", "吉祥寺"]

    func names(_ text: String) -> [String] {
        CSVReader.records(in: text).compactMap { try? DeviceListEntry.parse($0).get().name }
    }

    @Test("a Shift_JIS CSV of the guide's seven devices decodes to the Japanese names")
    func shiftJIS() throws {
        let bytes = try #require(guideCSV.data(using: .shiftJIS))
        // 御 is 0x8C 0xE4 in Shift_JIS: make sure the test really feeds Shift_JIS, not UTF-8.
        #expect(bytes.starts(with: Array("ochanomizu,".utf8) + [0x8C, 0xE4]))
        #expect(throws: ImportError.self) { try CSVEncoding.utf8.decode(bytes) }
        let text = try CSVEncoding.shiftJIS.decode(bytes)
        #expect(names(text) == Self.guideNames)
        #expect(text == guideCSV)
    }

    @Test("Shift_JIS produced by iconv (CP932 extensions such as ① included) decodes")
    func shiftJISFromIconv() throws {
        let csv = "tokyo,東京①,NXR-120,～メモ\n"
        let bytes = try iconvBytes(csv, to: "CP932")
        #expect(bytes.count < csv.utf8.count)
        #expect(try CSVEncoding.shiftJIS.decode(bytes) == csv)
    }

    @Test("an EUC-JP CSV decodes")
    func eucJP() throws {
        let bytes = try iconvBytes(guideCSV, to: "EUC-JP")
        // 御 is 0xB8 0xE6 in EUC-JP.
        #expect(bytes.starts(with: Array("ochanomizu,".utf8) + [0xB8, 0xE6]))
        let text = try CSVEncoding.eucJP.decode(bytes)
        #expect(names(text) == Self.guideNames)
    }

    @Test("UTF-8 with and without a byte-order mark decode to the same text")
    func utf8BOM() throws {
        let plain = Data(guideCSV.utf8)
        let withBOM = Data([0xEF, 0xBB, 0xBF]) + plain
        #expect(try CSVEncoding.utf8.decode(withBOM) == guideCSV)
        #expect(try CSVEncoding.utf8.decode(plain) == guideCSV)
        // Without BOM stripping the first code would be "\u{FEFF}ochanomizu" and fail the code rule.
        let first = try #require(CSVReader.records(in: try CSVEncoding.utf8.decode(withBOM)).first)
        #expect(try DeviceListEntry.parse(first).get().code == "ochanomizu")
    }

    @Test("bytes that are not valid in the chosen encoding name the offset and suggest --encoding")
    func undecodable() throws {
        let bytes = Data("ab,".utf8) + Data([0xFF, 0xFE]) + Data(",c".utf8)
        #expect(throws: ImportError.undecodable(encoding: .utf8, byteOffset: 3)) { try CSVEncoding.utf8.decode(bytes) }
        let error = try #require(throws: ImportError.self) { try CSVEncoding.eucJP.decode(Data([0x41, 0x8E])) }
        #expect(error.description.contains("--encoding"))
    }
}
