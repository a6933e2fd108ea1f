/// An error of the simulator with a stable code and a message that says what to do.
public struct SimError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable error codes.
    public enum Code: String, Sendable {
        case badStateFile = "bad-state-file"
        case badAuthorizedKey = "bad-authorized-key"
        case badArgument = "bad-argument"
        case bindFailed = "bind-failed"
        case notLoopback = "not-loopback"
        case unknownDevice = "unknown-device"
        case badRepo = "bad-repo"
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(self.code.rawValue): \(self.message)" }
}
