import CRP
import Foundation
import Testing

/// docs/crp.md shows hex dumps of two announcements; they must be exactly what the encoder emits.
@Suite("docs/crp.md examples")
struct CRPDocTests {
    static let docURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/crp.md")

    /// The text between `<!-- example:NAME -->` and the closing fence of the next code block.
    static func block(named name: String, in doc: String) -> String? {
        guard let marker = doc.range(of: "<!-- example:\(name) -->"),
            let open = doc.range(of: "```text\n", range: marker.upperBound..<doc.endIndex),
            let close = doc.range(of: "\n```", range: open.upperBound..<doc.endIndex)
        else { return nil }
        return String(doc[open.upperBound..<close.lowerBound])
    }

    @Test(
        "the hex dumps in docs/crp.md equal the encoder's output",
        arguments: [
            ("signed-ipv4", Examples.signedIPv4, true), ("unsigned-ipv6-serial", Examples.unsignedIPv6Serial, false),
        ])
    func docHexMatchesEncoder(name: String, announcement: Announcement, signed: Bool) throws {
        let doc = try String(contentsOf: Self.docURL, encoding: .utf8)
        let bytes = try CRPCodec.encode(announcement, secret: signed ? Examples.secret : nil)
        let expected = hexDump(bytes)
        let block = try #require(Self.block(named: name, in: doc), "docs/crp.md lacks example \(name)")
        #expect(block == expected, "docs/crp.md example \(name) should read:\n\(expected)")
        // And the documented bytes decode back into the documented announcement.
        let decoded = try CRPCodec.decode(bytes, secretFor: { _ in signed ? Examples.secret : nil })
        #expect(decoded.announcement == announcement)
    }

    @Test("Python's hmac module (an independent implementation) verifies the signed example")
    func independentHMAC() throws {
        let bytes = try CRPCodec.encode(Examples.signedIPv4, secret: Examples.secret)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            "-c",
            """
            import hmac, hashlib, sys
            data = bytes.fromhex(sys.argv[1])
            ok = hmac.compare_digest(hmac.new(sys.argv[2].encode(), data[:-32], hashlib.sha256).digest(), data[-32:])
            sys.exit(0 if ok else 3)
            """, bytes.map(hex2).joined(), String(decoding: Examples.secret, as: UTF8.self),
        ]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test("docs/crp.md lists every drop reason code")
    func docListsEveryReason() throws {
        let doc = try String(contentsOf: Self.docURL, encoding: .utf8)
        for reason in CRPDropReason.allCases {
            #expect(doc.contains("`\(reason.rawValue)`"), "docs/crp.md does not mention `\(reason.rawValue)`")
        }
    }
}
