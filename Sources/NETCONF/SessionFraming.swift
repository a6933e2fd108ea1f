/// Framing of one NETCONF session in both directions: end-of-message until both hellos are known, then the
/// mode `FramingMode.negotiate` picks. Wraps a `FrameDecoder` and `FrameEncoder` so neither side can decode
/// the peer's first chunked message with the hello's framing.
///
/// ```swift
/// var framing = SessionFraming()
/// write(framing.frame(localHello.serialize()))
/// framing.receive(bytes)
/// if let first = try framing.next() { framing.negotiate(local: localHello, remote: try Hello.parse(first)) }
/// while let message = try framing.next() { … }
/// ```
public struct SessionFraming: Sendable {
    /// Framing in use: `.endOfMessage` until `negotiate`.
    public private(set) var mode: FramingMode = .endOfMessage
    /// True once `negotiate` has run.
    public private(set) var isNegotiated = false
    /// Largest chunk written in chunked mode.
    public var maxChunk: Int
    private var decoder: FrameDecoder
    private var helloTaken = false

    public init(maxMessageSize: Int = 256 << 20, maxChunk: Int = 1 << 16) {
        decoder = FrameDecoder(mode: .endOfMessage, maxMessageSize: maxMessageSize)
        self.maxChunk = maxChunk
    }

    /// Bytes received but not yet returned as messages.
    public var bufferedByteCount: Int { decoder.bufferedByteCount }

    /// Buffers bytes read from the transport.
    public mutating func receive(_ bytes: some Collection<UInt8>) {
        decoder.append(bytes)
    }

    /// The next complete message, or nil when more bytes are needed. Before `negotiate`, only the first
    /// message (the peer's hello) is returned; later bytes wait until the framing is known.
    public mutating func next() throws(FramingError) -> [UInt8]? {
        if !isNegotiated && helloTaken { return nil }
        guard let message = try decoder.next() else { return nil }
        if !isNegotiated { helloTaken = true }
        return message
    }

    /// Decides the framing from both hellos and applies it, also to bytes already buffered.
    @discardableResult
    public mutating func negotiate(local: Hello, remote: Hello) -> FramingMode {
        mode = FramingMode.negotiate(local: local, remote: remote)
        decoder.mode = mode
        isNegotiated = true
        return mode
    }

    /// Frames an outgoing message with the current mode (the local hello goes out before `negotiate`).
    public func frame(_ message: [UInt8]) -> [UInt8] {
        FrameEncoder.frame(message, mode: mode, maxChunk: maxChunk)
    }
}
