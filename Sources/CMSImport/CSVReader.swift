/// One record of a CSV file: its fields, or why it could not be split into fields.
public struct CSVRecord: Equatable, Sendable {
    /// 1-based physical line on which the record starts (a quoted field may span lines).
    public var line: Int
    public var fields: [String]
    /// Set when the record is malformed (an unterminated quote, text after a closing quote).
    public var malformed: String?

    public init(line: Int, fields: [String], malformed: String? = nil) {
        self.line = line
        self.fields = fields
        self.malformed = malformed
    }
}

/// An RFC 4180 reader: fields separated by `,`, records by CRLF, LF or CR; a field in double quotes
/// may hold commas, line breaks and `""` for a quote. Pure: text in, records out.
///
/// Lenient only where it is harmless: lines may end with LF alone, the last line needs no line break,
/// and empty lines are skipped (they carry no device).
public enum CSVReader {
    public static func records(in text: String) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var afterQuote = false  // a quoted field was just closed; only `,` or a break may follow
        var malformed: String?
        var sawAnything = false

        func endRecord() {
            fields.append(field)
            let isEmpty = !sawAnything && fields.count == 1 && fields[0].isEmpty
            if !isEmpty {
                records.append(CSVRecord(line: recordLine, fields: fields, malformed: malformed))
            }
            fields = []
            field = ""
            malformed = nil
            afterQuote = false
            sawAnything = false
        }

        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = scalars.next()
        while let c = pending {
            pending = scalars.next()
            if inQuotes {
                if c == "\"" {
                    if pending == "\"" {
                        field.unicodeScalars.append("\"")
                        pending = scalars.next()
                    } else {
                        inQuotes = false
                        afterQuote = true
                    }
                } else {
                    if c == "\n" || (c == "\r" && pending != "\n") { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case ",":
                fields.append(field)
                field = ""
                afterQuote = false
                sawAnything = true
            case "\r", "\n":
                if c == "\r" && pending == "\n" { pending = scalars.next() }
                endRecord()
                line += 1
                recordLine = line
            case "\"" where field.allSatisfy({ $0 == " " || $0 == "\t" }) && !afterQuote:
                field = ""
                inQuotes = true
                sawAnything = true
            default:
                if afterQuote {
                    if c != " " && c != "\t" && malformed == nil {
                        malformed = "text after a closing quote; enclose the whole field in quotes"
                    }
                } else {
                    if c == "\"" && malformed == nil {
                        malformed = "a quote inside an unquoted field; enclose the field in quotes and double the quote"
                    }
                    field.unicodeScalars.append(c)
                }
                sawAnything = true
            }
        }
        if inQuotes {
            malformed = "a quoted field is not closed before the end of the file"
            sawAnything = true
        }
        if sawAnything || !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
