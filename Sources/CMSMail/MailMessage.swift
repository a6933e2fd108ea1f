import CMSModel
import Foundation

/// One RFC 5322 message: a single link-free `text/plain; charset=UTF-8` part, UTF-8 subject as RFC 2047
/// encoded-words, `Date` in the tenant's time zone and a `Message-ID` fixed when the alert was queued (a resend
/// after a restart carries the same one, so receivers and our queue can drop duplicates).
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var date: Timestamp
    public var timeZone: TimeZone
    /// Without angle brackets: `local@domain`.
    public var messageID: String
    public var body: [String]

    public init(
        from: String, to: [String], subject: String, date: Timestamp, timeZone: TimeZone, messageID: String,
        body: [String]
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.timeZone = timeZone
        self.messageID = messageID
        self.body = body
    }

    /// A Message-ID stable for one alert: the tenant, the queue key and the sender's domain.
    public static func messageID(tenant: String, key: String, from: String) -> String {
        let domain = from.split(separator: "@").last.map(String.init) ?? "cms.invalid"
        let safe = { (text: String) in String(text.map { $0.isLetter || $0.isNumber || "-._".contains($0) ? $0 : "-" }) }
        return "cms.\(safe(tenant)).\(safe(key))@\(safe(domain))"
    }

    /// The message as sent: CRLF line ends, headers folded under 78 columns, body in base64 when not ASCII.
    public func rendered() -> [UInt8] {
        var headers = [
            "From: \(from)",
            "To: \(to.joined(separator: ", "))",
            "Subject: " + Self.encodedWords(subject),
            "Date: " + MailDate.rfc5322(date, in: timeZone),
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Auto-Submitted: auto-generated",
            "Content-Type: text/plain; charset=UTF-8",
        ]
        let text = body.joined(separator: "\r\n") + "\r\n"
        let bodyLines: [String]
        if text.utf8.allSatisfy({ $0 < 128 }) && body.allSatisfy({ $0.utf8.count <= 998 }) {
            headers.append("Content-Transfer-Encoding: 7bit")
            bodyLines = body
        } else {
            headers.append("Content-Transfer-Encoding: base64")
            let encoded = Data(text.utf8).base64EncodedString()
            bodyLines = stride(from: 0, to: encoded.count, by: 76).map { start in
                let from = encoded.index(encoded.startIndex, offsetBy: start)
                let to = encoded.index(from, offsetBy: min(76, encoded.count - start))
                return String(encoded[from..<to])
            }
        }
        return Array((headers + [""] + bodyLines).joined(separator: "\r\n").utf8) + Array("\r\n".utf8)
    }

    /// A header value as is when it is plain printable ASCII, otherwise RFC 2047 `=?UTF-8?B?…?=` words of at most
    /// 45 bytes of UTF-8 each (never splitting a character), folded on separate lines.
    public static func encodedWords(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F } && !text.contains("=?")
        if plain && text.utf8.count <= 900 { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45, !chunk.isEmpty {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }
}

extension MailMessage {
    /// The same rendered message with another `From:` (the server that sends it has its own sender address);
    /// everything else, the Message-ID included, is unchanged.
    public static func replacingFrom(_ data: [UInt8], with from: String) -> [UInt8] {
        let prefix = Array("From: ".utf8)
        guard data.starts(with: prefix), let end = data.firstIndex(of: 0x0D) else { return data }
        return prefix + Array(from.utf8) + data[end...]
    }
}
