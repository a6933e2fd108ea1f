#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// RFC 6242 message decoder: bytes in (any split), whole messages out. A value type with no I/O.
///
/// Use `feed` when the mode cannot change mid-read, or `append` + `next` to take one message at a time —
/// which is what a NETCONF endpoint needs for the hello: the peer's first chunked RPC may arrive in the same
/// read as its `]]>]]>`-framed hello. Switching `mode` from `.endOfMessage` to `.chunked` re-reads any bytes
/// already buffered after the last complete message with the new framing, so `feed` is also safe as long as
/// the hello is the only message decoded before the switch. Switching away from `.chunked` drops a partially
/// received chunked message.
///
/// `maxMessageSize` caps one message's payload; the decoder throws `FramingError.Kind.tooLarge` as soon as a
/// message would exceed it, without buffering beyond it (chunk sizes are checked when the header arrives).
/// After any error the decoder stays failed; close the session.
public struct FrameDecoder: Sendable {
    /// Framing of the messages still to come. Setting it does not decode anything: bytes already buffered
    /// (e.g. the peer's first chunked rpc that came in the same read as its hello) are decoded by the next
    /// `next()` or `feed` — call `feed([])` right after switching, or the message waits for more bytes.
    public var mode: FramingMode {
        didSet { if oldValue != mode { modeChanged(from: oldValue) } }
    }
    /// Largest payload accepted, in bytes.
    public var maxMessageSize: Int

    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var message: [UInt8] = []
    /// End-of-message mode: how many bytes of `]]>]]>` end `message` so far.
    private var matched = 0
    private var chunkState: ChunkState = .lineFeed
    private var header: [UInt8] = []
    private var failure: FramingError?

    /// States of the chunked-framing parser.
    private enum ChunkState: Sendable {
        /// Expecting the `\n` that starts a chunk header or the end-of-chunks marker.
        case lineFeed
        /// Saw `\n`, expecting `#`.
        case hash
        /// Saw `\n#`, expecting a digit 1–9 (chunk) or `#` (end of chunks).
        case sizeStart
        /// Reading the decimal chunk size.
        case size(UInt64, digits: Int)
        /// Saw `\n##`, expecting the final `\n`.
        case endLineFeed
        /// Inside chunk data with this many bytes left.
        case data(remaining: Int)
    }

    private static let terminator: [UInt8] = Array("]]>]]>".utf8)
    /// KMP failure function of `]]>]]>`.
    private static let fallback: [Int] = [0, 1, 0, 1, 2, 3]
    private static let maxChunkSize: UInt64 = 4_294_967_295

    public init(mode: FramingMode = .endOfMessage, maxMessageSize: Int = 256 << 20) {
        self.mode = mode
        self.maxMessageSize = max(0, maxMessageSize)
    }

    /// Bytes received but not yet returned as a message (partial message plus unread input).
    public var bufferedByteCount: Int { message.count + pending.count - pendingStart }

    /// Feeds any number of bytes (any split) and returns every message completed by them, in order.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws(FramingError) -> [[UInt8]] {
        append(bytes)
        var messages: [[UInt8]] = []
        while let message = try next() { messages.append(message) }
        return messages
    }

    /// Buffers bytes without decoding them; call `next()` to take messages out.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        guard failure == nil else { return }
        if pendingStart == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
        } else if pendingStart >= 4096, pendingStart * 2 >= pending.count {
            pending.removeFirst(pendingStart)
            pendingStart = 0
        }
        pending.append(contentsOf: bytes)
    }

    /// Decodes and returns the next complete message from buffered bytes, or nil when more bytes are needed.
    public mutating func next() throws(FramingError) -> [UInt8]? {
        if let failure {
            throw FramingError(.failed, "decoder already failed (\(failure.detail)); close the session")
        }
        var input = pending
        pending = []
        var start = pendingStart
        defer {
            pending = input
            pendingStart = start
        }
        do {
            return try input.withUnsafeBufferPointer { buffer throws(FramingError) -> [UInt8]? in
                switch mode {
                case .endOfMessage: return try decodeEndOfMessage(buffer, from: &start)
                case .chunked: return try decodeChunked(buffer, from: &start)
                }
            }
        } catch {
            failure = error
            input = []
            start = 0
            message = []
            throw error
        }
    }

    private mutating func modeChanged(from old: FramingMode) {
        if old == .endOfMessage {
            // Bytes after the last message were read as end-of-message framing; re-read them as chunked.
            let unread = message + pending[pendingStart...]
            pending = unread
            pendingStart = 0
        }
        message = []
        matched = 0
        chunkState = .lineFeed
        header = []
    }

    private mutating func takeMessage() -> [UInt8] {
        let result = message
        message = []
        return result
    }

    private mutating func decodeEndOfMessage(
        _ buffer: UnsafeBufferPointer<UInt8>,
        from start: inout Int
    ) throws(FramingError) -> [UInt8]? {
        guard let base = buffer.baseAddress else { return nil }
        let count = buffer.count
        var index = start
        defer { start = index }
        while index < count {
            if matched == 0 {
                // Fast path: copy everything up to the next `]` in one go.
                let found: Int
                if let hit = memchr(base + index, Int32(UInt8(ascii: "]")), count - index) {
                    found = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                } else {
                    found = count
                }
                if found > index {
                    guard message.count + (found - index) <= maxMessageSize else {
                        throw .tooLarge(limit: maxMessageSize)
                    }
                    message.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[index..<found]))
                    index = found
                    if index == count { break }
                }
            }
            let byte = buffer[index]
            index += 1
            while matched > 0 && byte != Self.terminator[matched] { matched = Self.fallback[matched - 1] }
            if byte == Self.terminator[matched] { matched += 1 }
            if matched == Self.terminator.count {
                matched = 0
                message.removeLast(Self.terminator.count - 1)
                return takeMessage()
            }
            guard message.count + 1 - matched <= maxMessageSize else { throw .tooLarge(limit: maxMessageSize) }
            message.append(byte)
        }
        return nil
    }

    private mutating func decodeChunked(
        _ buffer: UnsafeBufferPointer<UInt8>,
        from start: inout Int
    ) throws(FramingError) -> [UInt8]? {
        let count = buffer.count
        var index = start
        defer { start = index }
        while index < count {
            if case .data(let remaining) = chunkState {
                let take = min(remaining, count - index)
                message.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[index..<(index + take)]))
                index += take
                chunkState = take == remaining ? .lineFeed : .data(remaining: remaining - take)
                continue
            }
            let byte = buffer[index]
            index += 1
            header.append(byte)
            switch chunkState {
            case .lineFeed:
                header = [byte]
                guard byte == UInt8(ascii: "\n") else { throw bad("expected \\n starting a chunk header") }
                chunkState = .hash
            case .hash:
                guard byte == UInt8(ascii: "#") else { throw bad("expected # after \\n") }
                chunkState = .sizeStart
            case .sizeStart:
                if byte == UInt8(ascii: "#") {
                    chunkState = .endLineFeed
                } else if byte >= UInt8(ascii: "1") && byte <= UInt8(ascii: "9") {
                    chunkState = .size(UInt64(byte - UInt8(ascii: "0")), digits: 1)
                } else if byte == UInt8(ascii: "0") {
                    throw bad("chunk size starts with 0 (zero size or leading zero)")
                } else {
                    throw bad("expected a chunk size 1-4294967295 or #")
                }
            case .size(let value, let digits):
                if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                    let next = value * 10 + UInt64(byte - UInt8(ascii: "0"))
                    guard digits < 10, next <= Self.maxChunkSize else {
                        throw bad("chunk size larger than 4294967295")
                    }
                    chunkState = .size(next, digits: digits + 1)
                } else if byte == UInt8(ascii: "\n") {
                    guard UInt64(maxMessageSize - message.count) >= value else {
                        throw .tooLarge(limit: maxMessageSize)
                    }
                    chunkState = .data(remaining: Int(value))
                } else {
                    throw bad("expected a digit or \\n in the chunk size")
                }
            case .endLineFeed:
                guard byte == UInt8(ascii: "\n") else { throw bad("expected \\n ending the end-of-chunks marker") }
                chunkState = .lineFeed
                guard !message.isEmpty else {
                    throw FramingError(.emptyMessage, "end-of-chunks marker \\n##\\n before any chunk")
                }
                return takeMessage()
            case .data:
                break  // handled above
            }
        }
        return nil
    }

    private func bad(_ expectation: String) -> FramingError {
        .badChunkHeader("\(expectation); saw \"\(Self.printable(header))\"")
    }

    static func printable(_ bytes: [UInt8]) -> String {
        var result = ""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\n"): result += "\\n"
            case UInt8(ascii: "\r"): result += "\\r"
            case UInt8(ascii: "\\"): result += "\\\\"
            case UInt8(ascii: "\""): result += "\\\""
            case 0x20..<0x7F: result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }
}
