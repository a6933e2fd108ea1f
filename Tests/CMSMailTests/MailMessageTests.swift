import CMSMail
import CMSModel
import Foundation
import Testing

@Suite("MailMessage: RFC 5322 with RFC 2047 subjects")
struct MailMessageTests {
    static let message = MailMessage(
        from: "cms@example.jp", to: ["noc@example.jp", "oncall@example.jp"], subject: "[CMS] 監視グループ NETCONF 切断",
        date: Timestamp.seconds(1_278_296_514), timeZone: TimeZone(identifier: "Asia/Tokyo")!,
        messageID: MailMessage.messageID(tenant: "century", key: "alert-1-2", from: "cms@example.jp"),
        body: ["Event:NetConf DOWN", "name:本社ルータ"])

    var text: String { String(decoding: Self.message.rendered(), as: UTF8.self) }

    @Test func headersCarryDateInTheTenantsZoneAndAStableMessageID() {
        #expect(text.contains("Date: Mon, 05 Jul 2010 11:21:54 +0900\r\n"))
        #expect(text.contains("Message-ID: <cms.century.alert-1-2@example.jp>\r\n"))
        #expect(text.contains("To: noc@example.jp, oncall@example.jp\r\n"))
        #expect(text.contains("Content-Type: text/plain; charset=UTF-8\r\n"))
        #expect(Self.message.rendered() == Self.message.rendered())
    }

    @Test func aJapaneseSubjectIsEncodedWordsOfUTF8() {
        let encoded = MailMessage.encodedWords("[CMS] 監視グループ NETCONF 切断")
        #expect(encoded.hasPrefix("=?UTF-8?B?"))
        #expect(encoded.unicodeScalars.allSatisfy { $0.isASCII })
        // Each word decodes to whole characters.
        let words = encoded.components(separatedBy: "\r\n ")
        let decoded = words.map { word -> String in
            let payload = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
            return String(decoding: Data(base64Encoded: String(payload))!, as: UTF8.self)
        }.joined()
        #expect(decoded == "[CMS] 監視グループ NETCONF 切断")
        #expect(MailMessage.encodedWords("plain subject") == "plain subject")
    }

    @Test func aNonASCIIBodyIsBase64InLinesOf76() {
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.contains("Content-Transfer-Encoding: base64"))
        let body = lines.drop { !$0.isEmpty }.dropFirst().filter { !$0.isEmpty }
        #expect(body.allSatisfy { $0.count <= 76 })
        let decoded = String(decoding: Data(base64Encoded: body.joined())!, as: UTF8.self)
        #expect(decoded == "Event:NetConf DOWN\r\nname:本社ルータ\r\n")
    }

    @Test func replacingTheSenderKeepsEverythingElse() {
        let replaced = MailMessage.replacingFrom(Self.message.rendered(), with: "other@example.jp")
        let text = String(decoding: replaced, as: UTF8.self)
        #expect(text.hasPrefix("From: other@example.jp\r\nTo: "))
        #expect(text.contains("Message-ID: <cms.century.alert-1-2@example.jp>"))
    }
}
