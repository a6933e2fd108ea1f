/// A document that could not be parsed or was refused by the hardening rules (DOCTYPE, size, depth).
public struct XMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in words a user can act on.
    public var message: String
    /// 1-based line in the document, when known.
    public var line: Int?

    public init(message: String, line: Int? = nil) {
        self.message = message
        self.line = line
    }

    public var description: String {
        if let line { return "XML error at line \(line): \(message)" }
        return "XML error: \(message)"
    }
}
