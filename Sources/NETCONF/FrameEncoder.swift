/// Frames whole messages for the wire (RFC 6242 §4.2 end-of-message, §4.3 chunked).
public enum FrameEncoder {
    private static let endOfMessage: [UInt8] = Array("]]>]]>".utf8)
    private static let endOfChunks: [UInt8] = Array("\n##\n".utf8)

    /// The framed bytes of one message. In chunked mode the message is cut into chunks of at most
    /// `maxChunk` bytes (clamped to 1…4294967295), between UTF-8 characters where possible. An empty message cannot be chunk-framed validly (RFC 6242
    /// requires at least one chunk); it yields a bare `\n##\n`, which a strict peer rejects.
    public static func frame(_ message: [UInt8], mode: FramingMode, maxChunk: Int = 1 << 16) -> [UInt8] {
        switch mode {
        case .endOfMessage:
            return message + endOfMessage
        case .chunked:
            let chunk = max(1, min(maxChunk, Int(UInt32.max)))
            var output: [UInt8] = []
            output.reserveCapacity(message.count + (message.count / chunk + 1) * 14 + 4)
            var start = 0
            while start < message.count {
                var end = min(start + chunk, message.count)
                // Cut between UTF-8 sequences when we can (at most 3 bytes earlier): RFC 6242 allows any cut,
                // but ncclient decodes each chunk as UTF-8 on its own and fails on a split character.
                var cut = end
                while cut < message.count, cut > start, end - cut < 3, message[cut] & 0xC0 == 0x80 { cut -= 1 }
                if cut > start, cut < message.count, message[cut] & 0xC0 != 0x80 { end = cut }
                output.append(UInt8(ascii: "\n"))
                output.append(UInt8(ascii: "#"))
                output.append(contentsOf: String(end - start).utf8)
                output.append(UInt8(ascii: "\n"))
                output.append(contentsOf: message[start..<end])
                start = end
            }
            output.append(contentsOf: endOfChunks)
            return output
        }
    }
}
