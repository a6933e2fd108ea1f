import CMSModel
import Testing

@Suite("Event CSV export")
struct EventCSVTests {
    /// (field, expected CSV text)
    static let escapes: [(String, String)] = [
        ("plain", "plain"),
        ("", ""),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("line1\nline2", "\"line1\nline2\""),
        ("cr\rhere", "\"cr\rhere\""),
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "\"'\rCR\""),
        ("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
        ("a=b", "a=b"),
        ("日本語, テスト", "\"日本語, テスト\""),
        // Control characters from commit authors are shown, not obeyed (issue 18, item 9).
        ("\u{1B}[2Jwiped", "\\x1B[2Jwiped"),
        ("\u{1B}]0;owned\u{07}", "\\x1B]0;owned\\x07"),
        ("\u{1B}=cmd()", "\\x1B=cmd()"),
        ("=\u{1B}x", "'=\\x1Bx"),
        ("c1\u{9B}31m", "c1\\x9B31m"),
        ("nul\u{0}del\u{7F}", "nul\\x00del\\x7F"),
        ("abc\u{202E}fdp.exe", "abc\\u202Efdp.exe"),
        ("tab\tinside", "tab\tinside"),
    ]

    @Test("an event with an ESC in its user and message exports without a raw control byte")
    func controlBytesNeverRaw() {
        let event = Event(
            time: .seconds(0), tenant: "t", type: .gitApplyStarted, device: "nxr01",
            user: "mallory\u{1B}[31m", revision: "abc", message: "x\u{1B}]0;title\u{07}\u{9B}2J")
        let csv = EventCSV.render([event])
        let raw = csv.unicodeScalars.filter { ControlCharacters.isControl($0) && !["\r", "\n"].contains($0) }
        #expect(raw.isEmpty, "raw controls in the CSV: \(raw.map { $0.value })")
        #expect(csv.contains("mallory\\x1B[31m"))
        #expect(event.user == "mallory\u{1B}[31m", "the stored value stays intact")
    }

    @Test("fields are quoted per RFC 4180 and made formula-safe", arguments: escapes)
    func escaping(field: String, expected: String) {
        #expect(EventCSV.escape(field) == expected)
    }

    @Test("a document has a header row, one CRLF-terminated record per event, in order")
    func document() {
        let events = [
            Event(
                id: 7, time: Timestamp(microsecondsSince1970: 1_800_000_000_123_456), tenant: "acme",
                type: .deviceConnectFailed, device: "nxr01", group: "tokyo", user: "alice", revision: "abc123",
                details: ["error": "refused, port 830", "address": "127.0.0.1"]),
            Event(id: 8, time: .seconds(0), tenant: "acme", type: .mailSent, message: "=cmd|' /C calc'!A0"),
        ]
        let csv = EventCSV.render(events)
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines.count == 4 && lines[3].isEmpty, "every record ends in CRLF")
        #expect(lines[0] == "id,time,tenant,type,severity,device,group,user,revision,message,details")
        #expect(
            lines[1] == "7,2027-01-15T08:00:00.123Z,acme,device.connect.failed,error,nxr01,tokyo,alice,abc123,"
                + "\"NETCONF connection to nxr01 failed (127.0.0.1): refused, port 830\","
                + "\"address=127.0.0.1; error=refused, port 830\"")
        #expect(lines[2] == "8,1970-01-01T00:00:00.000Z,acme,mail.sent,info,,,,,'=cmd|' /C calc'!A0,")
        #expect(!csv.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "no bare LF outside quotes here")
    }

    @Test("UTF-8 text passes through; a BOM is added only on request")
    func utf8() {
        let event = Event(
            id: 1, time: .seconds(0), tenant: "acme", type: .deviceAdded, device: "nxr01",
            message: "機器を CMS に登録した。")
        let plain = EventCSV.render([event])
        #expect(plain.hasPrefix("id,"))
        #expect(plain.contains("機器を CMS に登録した。"))
        let withBOM = EventCSV.render([event], byteOrderMark: true)
        #expect(Array(withBOM.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
    }

    @Test("a CSV parser reading the output gets the original fields back")
    func roundTrip() {
        let tricky = ["a,b", "q\"uote", "multi\r\nline", "=1+1", "plain", "", "-x", "日本"]
        let line = EventCSV.line(tricky)
        let parsed = Self.parseRecord(line)
        let unformula = tricky.map { f in
            ["=", "+", "-", "@", "\t", "\r"].contains(where: { f.hasPrefix($0) }) ? "'" + f : f
        }
        #expect(parsed == unformula)
    }

    /// A minimal RFC 4180 record parser (one record ending in CRLF) for the round-trip check.
    static func parseRecord(_ text: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            if inQuotes {
                if scalar == "\"" {
                    if scalars.first == "\"" {
                        field.unicodeScalars.append("\""); scalars.removeFirst()
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
            } else if scalar == "\"" {
                inQuotes = true
            } else if scalar == "," {
                fields.append(field); field = ""
            } else if scalar == "\r", scalars.first == "\n" {
                fields.append(field); return fields
            } else {
                field.unicodeScalars.append(scalar)
            }
        }
        fields.append(field)
        return fields
    }
}

@Suite("Timestamps")
struct TimestampTests {
    static let cases: [(Int64, String)] = [
        (0, "1970-01-01T00:00:00.000Z"),
        (1_800_000_000_123_456, "2027-01-15T08:00:00.123Z"),
        (951_782_400_000_000, "2000-02-29T00:00:00.000Z"),
        (-1_000, "1969-12-31T23:59:59.999Z"),
        (4_102_444_799_000_000, "2099-12-31T23:59:59.000Z"),
    ]

    @Test("format as ISO 8601 UTC with milliseconds", arguments: cases)
    func format(micros: Int64, text: String) {
        #expect(Timestamp(microsecondsSince1970: micros).iso8601 == text)
        if micros >= 0 {
            #expect(Timestamp(iso8601: text)?.microsecondsSince1970 == micros / 1000 * 1000)
        }
    }

    @Test("parse accepts seconds or a fraction up to microseconds and rejects the rest")
    func parse() {
        #expect(Timestamp(iso8601: "2027-01-15T08:00:00Z") == .seconds(1_800_000_000))
        #expect(Timestamp(iso8601: "2027-01-15 08:00:00.000001Z")?.microsecondsSince1970 == 1_800_000_000_000_001)
        for bad in [
            "", "2027-01-15", "2027-01-15T08:00:00", "2027-13-01T00:00:00Z", "2027-01-15T08:00:00.1234567Z",
            "2027-01-15T25:00:00Z", "2027-01-15T08:00:00+09:00", "2027-01-15T08:00:00.Z",
        ] {
            #expect(Timestamp(iso8601: bad) == nil, "\(bad)")
        }
    }

    @Test("durations move timestamps in whole microseconds")
    func arithmetic() {
        let t = Timestamp.seconds(10)
        #expect((t + .milliseconds(1500)).microsecondsSince1970 == 11_500_000)
        #expect((t - .seconds(10)).microsecondsSince1970 == 0)
        #expect(Timestamp.seconds(12) - t == .seconds(2))
        #expect(t < t + .microseconds(1))
    }
}
