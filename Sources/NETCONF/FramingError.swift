/// The byte stream broke the RFC 6242 framing rules or a size cap. After one, the session must be closed:
/// the decoder cannot find the next message boundary reliably.
public struct FramingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable classification of the failure.
    public enum Kind: String, Sendable, Equatable {
        /// The message is larger than the decoder's `maxMessageSize`.
        case tooLarge
        /// A chunk header (`\n#<len>\n`) or end-of-chunks marker (`\n##\n`) is malformed.
        case badChunkHeader
        /// An end-of-chunks marker arrived before any chunk (RFC 6242 requires at least one).
        case emptyMessage
        /// The decoder failed earlier and was fed again.
        case failed
    }

    public var kind: Kind
    /// What was seen, for logs and error messages.
    public var detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public static func tooLarge(limit: Int) -> FramingError {
        FramingError(.tooLarge, "message exceeds the maximum size of \(limit) bytes")
    }

    public static func badChunkHeader(_ detail: String) -> FramingError { FramingError(.badChunkHeader, detail) }

    public var description: String {
        switch kind {
        case .tooLarge: "NETCONF framing: \(detail)"
        case .badChunkHeader: "NETCONF framing: bad chunk header: \(detail)"
        case .emptyMessage: "NETCONF framing: \(detail)"
        case .failed: "NETCONF framing: \(detail)"
        }
    }
}
