import Testing
@testable import CMSImport

@Suite("RFC 4180 CSV reading")
struct CSVReaderTests {
    @Test("plain fields split on commas, one record per line, line numbers from 1")
    func plainFields() {
        let records = CSVReader.records(in: "a,b,c\nd,e,f\n")
        #expect(
            records == [CSVRecord(line: 1, fields: ["a", "b", "c"]), CSVRecord(line: 2, fields: ["d", "e", "f"])])
    }

    @Test("CRLF, CR and a missing final line break all end records")
    func lineEndings() {
        let records = CSVReader.records(in: "a,b\r\nc,d\re,f")
        #expect(records.map(\.fields) == [["a", "b"], ["c", "d"], ["e", "f"]])
        #expect(records.map(\.line) == [1, 2, 3])
    }

    @Test("quoted fields keep commas, doubled quotes and line breaks; the next record's line is counted right")
    func quotedFields() {
        let records = CSVReader.records(in: "x,\"a, \"\"b\"\"\nc\",y\r\nnext,z\n")
        #expect(records.count == 2)
        #expect(records[0].fields == ["x", "a, \"b\"\nc", "y"])
        #expect(records[0].malformed == nil)
        #expect(records[1].line == 3)
        #expect(records[1].fields == ["next", "z"])
    }

    @Test("empty lines are skipped but keep the numbering")
    func emptyLines() {
        let records = CSVReader.records(in: "\na,b\n\n\nc,d\n")
        #expect(records.map(\.line) == [2, 5])
    }

    @Test("empty fields are kept", arguments: [("a,,c", ["a", "", "c"]), ("a,b,", ["a", "b", ""]), (",", ["", ""])])
    func emptyFields(text: String, fields: [String]) {
        #expect(CSVReader.records(in: text).first?.fields == fields)
    }

    @Test("an unterminated quote is reported on the record where it starts")
    func unterminatedQuote() {
        let records = CSVReader.records(in: "ok,1\nbad,\"never closed\nmore\n")
        #expect(records.count == 2)
        #expect(records[1].line == 2)
        #expect(records[1].malformed?.contains("not closed") == true)
    }

    @Test("text after a closing quote and a stray quote are malformed")
    func strayQuotes() {
        #expect(CSVReader.records(in: "\"a\"b,c").first?.malformed?.contains("after a closing quote") == true)
        #expect(CSVReader.records(in: "a\"b,c").first?.malformed?.contains("inside an unquoted field") == true)
    }
}
