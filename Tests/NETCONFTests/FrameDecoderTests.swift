import Testing
@testable import NETCONF

@Suite("RFC 6242 framing")
struct FrameDecoderTests {
    /// RFC 6242 §4.2 example: a close-session rpc in three chunks.
    static let rfcChunked =
        "\n#4\n<rpc\n#18\n message-id=\"102\"\n\n#79\n     xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n  <close-session/>\n</rpc>\n##\n"
    static let rfcChunkedMessage =
        "<rpc message-id=\"102\"\n     xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n  <close-session/>\n</rpc>"

    /// RFC 6242 §4.3 style: a hello ended by the end-of-message marker.
    static let rfcHello = """
        <?xml version="1.0" encoding="UTF-8"?>
        <hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
          <capabilities>
            <capability>urn:ietf:params:netconf:base:1.1</capability>
          </capabilities>
          <session-id>4</session-id>
        </hello>
        """

    @Test func theRFCChunkedExampleDecodesToTheCloseSessionRPC() throws {
        var decoder = FrameDecoder(mode: .chunked)
        let messages = try decoder.feed(bytes(Self.rfcChunked))
        #expect(messages == [bytes(Self.rfcChunkedMessage)])
        #expect(decoder.bufferedByteCount == 0)
        let rpc = try IncomingRPC.parse(messages[0])
        #expect(rpc.messageID == "102")
        #expect(rpc.operation.name == "close-session")
    }

    @Test func theRFCChunkedExampleDecodesWhenFedOneByteAtATime() throws {
        var decoder = FrameDecoder(mode: .chunked)
        var messages: [[UInt8]] = []
        for byte in bytes(Self.rfcChunked) { messages += try decoder.feed([byte]) }
        #expect(messages == [bytes(Self.rfcChunkedMessage)])
    }

    @Test func anEndOfMessageFramedHelloDecodes() throws {
        var decoder = FrameDecoder()
        let messages = try decoder.feed(bytes(Self.rfcHello + "]]>]]>"))
        #expect(messages == [bytes(Self.rfcHello)])
        let hello = try Hello.parse(messages[0])
        #expect(hello.sessionID == 4)
        #expect(hello.has(Capability.base11))
    }

    @Test func theEndOfMessageMarkerSplitAtEveryPositionIsFound() throws {
        let stream = bytes("<a/>]]>]]><b/>]]>]]>")
        for cut in 0...stream.count {
            var decoder = FrameDecoder()
            let messages = try decoder.feed(stream[..<cut]) + decoder.feed(stream[cut...])
            #expect(messages == [bytes("<a/>"), bytes("<b/>")], "cut at \(cut)")
        }
    }

    @Test(arguments: [
        ("x]]]>]]>", "x]"),
        ("]]>]]]>]]>", "]]>]"),
        ("a]]>]]b]]>]]>", "a]]>]]b"),
        ("]]]]]]>]]>", "]]]]"),
        ("]>]]>]]>", "]>"),
    ])
    func partialEndMarkersInsideAMessageStayInTheMessage(stream: String, message: String) throws {
        var decoder = FrameDecoder()
        #expect(try decoder.feed(bytes(stream)) == [bytes(message)])
        var byByte = FrameDecoder()
        var messages: [[UInt8]] = []
        for byte in bytes(stream) { messages += try byByte.feed([byte]) }
        #expect(messages == [bytes(message)])
    }

    @Test func endOfMessageMarkerAndHashesInsideChunkDataAreData() throws {
        let payload = "<x>]]>]]>\n##\n\n#5\n##</x>"
        let framed = FrameEncoder.frame(bytes(payload), mode: .chunked, maxChunk: 7)
        var decoder = FrameDecoder(mode: .chunked)
        #expect(try decoder.feed(framed) == [bytes(payload)])
    }

    @Test func manyTinyChunksAndOneHugeChunkDecode() throws {
        var generator = SeededRandom(seed: 7)
        let large = (0..<3_000_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var decoder = FrameDecoder(mode: .chunked)
        #expect(try decoder.feed(FrameEncoder.frame(large, mode: .chunked, maxChunk: Int(UInt32.max))) == [large])
        let small = Array(large[..<5000])
        #expect(try decoder.feed(FrameEncoder.frame(small, mode: .chunked, maxChunk: 1)) == [small])
    }

    @Test(arguments: [FramingMode.endOfMessage, .chunked])
    func everyRandomSplitOfAMultiMessageStreamGivesTheSameMessages(mode: FramingMode) throws {
        var generator = SeededRandom(seed: mode == .chunked ? 11 : 12)
        let messages: [[UInt8]] = [
            bytes(Self.rfcChunkedMessage), bytes("<a>]]>]]</a>"), bytes("x"), bytes("\n##\n#12\n"),
            bytes("]]]]>]]"), (0..<700).map { UInt8(truncatingIfNeeded: $0 &* 31) }.filter { $0 != UInt8(ascii: "]") },
        ]
        var stream: [UInt8] = []
        for message in messages {
            stream += FrameEncoder.frame(message, mode: mode, maxChunk: Int.random(in: 1...40, using: &generator))
        }
        for iteration in 0..<1500 {
            var decoder = FrameDecoder(mode: mode)
            var received: [[UInt8]] = []
            var index = 0
            while index < stream.count {
                let step =
                    iteration % 3 == 0
                    ? Int.random(in: 1...3, using: &generator)
                    : Int.random(in: 1...200, using: &generator)
                let end = min(stream.count, index + step)
                received += try decoder.feed(stream[index..<end])
                index = end
            }
            #expect(received == messages, "iteration \(iteration)")
            if received != messages { break }
        }
    }

    @Test(arguments: [
        ("\n#0\n", "zero"),
        ("\n#01\nx", "leading zero"),
        ("\n#4x", "digit"),
        ("#4\nabcd", "\\n starting"),
        ("\n4\nabcd", "# after"),
        ("\n#\n", "chunk size"),
        ("\n#-1\n", "chunk size"),
        ("\n#12345678901\n", "larger than 4294967295"),
        ("\n#4294967296\n", "larger than 4294967295"),
        ("\n#3\nabc\n##x", "\\n ending"),
        ("\n#3\nabcX#3\n", "\\n starting"),
        ("\n# 3\nabc", "chunk size"),
    ])
    func malformedChunkHeadersAreRefusedWithWhatWasSeen(stream: String, mention: String) {
        var decoder = FrameDecoder(mode: .chunked)
        do {
            _ = try decoder.feed(bytes(stream))
            Issue.record("accepted \(stream.debugDescription)")
        } catch {
            #expect(error.kind == .badChunkHeader)
            #expect(error.description.contains(mention), "\(error.description)")
            #expect(error.detail.contains("saw"))
        }
        // A failed decoder stays failed.
        #expect(throws: FramingError.self) { _ = try decoder.feed(bytes("\n#1\na\n##\n")) }
    }

    @Test func endOfChunksWithoutAChunkIsAnEmptyMessageError() {
        var decoder = FrameDecoder(mode: .chunked)
        let error = #expect(throws: FramingError.self) { _ = try decoder.feed(bytes("\n##\n")) }
        #expect(error?.kind == .emptyMessage)
    }

    @Test func theSizeCapHoldsInEndOfMessageMode() throws {
        var exact = FrameDecoder(maxMessageSize: 10)
        #expect(try exact.feed(bytes("0123456789]]>]]>")) == [bytes("0123456789")])
        var partialMarker = FrameDecoder(maxMessageSize: 10)
        #expect(try partialMarker.feed(bytes("0123456789]]>]]")) == [])
        #expect(throws: FramingError.tooLarge(limit: 10)) { _ = try partialMarker.feed(bytes("x")) }
        var big = FrameDecoder(maxMessageSize: 10)
        #expect(throws: FramingError.tooLarge(limit: 10)) { _ = try big.feed(bytes("01234567890")) }
        var huge = FrameDecoder(maxMessageSize: 1000)
        #expect(throws: FramingError.tooLarge(limit: 1000)) {
            _ = try huge.feed([UInt8](repeating: 65, count: 1 << 20))
        }
        #expect(huge.bufferedByteCount == 0)
    }

    @Test func theSizeCapHoldsInChunkedModeBeforeTheDataArrives() throws {
        var exact = FrameDecoder(mode: .chunked, maxMessageSize: 10)
        #expect(try exact.feed(bytes("\n#4\nabcd\n#6\nefghij\n##\n")) == [bytes("abcdefghij")])
        var header = FrameDecoder(mode: .chunked, maxMessageSize: 10)
        #expect(throws: FramingError.tooLarge(limit: 10)) { _ = try header.feed(bytes("\n#11\n")) }
        var sum = FrameDecoder(mode: .chunked, maxMessageSize: 10)
        #expect(throws: FramingError.tooLarge(limit: 10)) { _ = try sum.feed(bytes("\n#6\nabcdef\n#5\n")) }
        var maximal = FrameDecoder(mode: .chunked, maxMessageSize: 1 << 20)
        #expect(throws: FramingError.tooLarge(limit: 1 << 20)) { _ = try maximal.feed(bytes("\n#4294967295\n")) }
    }

    @Test func aChunkedRPCInTheSameReadAsTheHelloIsDecodedAfterTheModeSwitch() throws {
        let rpc = bytes(Self.rfcChunkedMessage)
        let stream = bytes(Self.rfcHello + "]]>]]>") + FrameEncoder.frame(rpc, mode: .chunked, maxChunk: 9)

        var stepwise = FrameDecoder()
        stepwise.append(stream)
        #expect(try stepwise.next() == bytes(Self.rfcHello))
        stepwise.mode = .chunked
        #expect(try stepwise.next() == rpc)
        #expect(try stepwise.next() == nil)

        var fed = FrameDecoder()
        #expect(try fed.feed(stream) == [bytes(Self.rfcHello)])
        fed.mode = .chunked
        #expect(try fed.feed([]) == [rpc])
    }

    @Test func theEncoderFramesBothModes() {
        #expect(FrameEncoder.frame(bytes("<a/>"), mode: .endOfMessage) == bytes("<a/>]]>]]>"))
        #expect(
            FrameEncoder.frame(bytes("abcdefg"), mode: .chunked, maxChunk: 3)
                == bytes("\n#3\nabc\n#3\ndef\n#1\ng\n##\n"))
        #expect(FrameEncoder.frame(bytes("abc"), mode: .chunked) == bytes("\n#3\nabc\n##\n"))
    }

    @Test func chunksAreCutBetweenUTF8CharactersWhenPossible() throws {
        #expect(
            FrameEncoder.frame(bytes("日本語"), mode: .chunked, maxChunk: 4)
                == bytes("\n#3\n日\n#3\n本\n#3\n語\n##\n"))
        #expect(FrameEncoder.frame(bytes("a😀b"), mode: .chunked, maxChunk: 4) == bytes("\n#1\na\n#4\n😀\n#1\nb\n##\n"))
        // Too small a chunk for one character: cut inside it rather than loop forever.
        let tiny = FrameEncoder.frame(bytes("日"), mode: .chunked, maxChunk: 2)
        #expect(tiny == [10, 35, 50, 10, 0xE6, 0x97, 10, 35, 49, 10, 0xA5, 10, 35, 35, 10])
        var decoder = FrameDecoder(mode: .chunked)
        #expect(try decoder.feed(tiny) == [bytes("日")])
    }

    @Test func framingIsNegotiatedFromBothHellos() {
        let both = Hello(capabilities: [Capability.base10, Capability.base11])
        let old = Hello(capabilities: [Capability.base10])
        #expect(FramingMode.negotiate(local: both, remote: both) == .chunked)
        #expect(FramingMode.negotiate(local: both, remote: old) == .endOfMessage)
        #expect(FramingMode.negotiate(local: old, remote: both) == .endOfMessage)
    }
}
