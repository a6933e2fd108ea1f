/// An API failure: an HTTP status, a stable machine code and a message saying what to do.
public struct APIError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public var status: Int
    /// Stable code, e.g. `tenant-not-found`, `device-not-found`, `bad-query`, `unauthorized`, `unavailable`.
    public var code: String
    public var message: String

    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    public static func notFound(_ what: String, _ name: String) -> APIError {
        APIError(status: 404, code: "\(what)-not-found", message: "no \(what) '\(name)'")
    }

    public static func badRequest(_ message: String) -> APIError {
        APIError(status: 400, code: "bad-request", message: message)
    }
}
