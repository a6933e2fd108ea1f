/// Why an apply run failed, what to do next, and what it left on the device.
public struct ApplyFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var errorClass: ErrorClass
    /// The NETCONF operation that failed: `lock`, `discard-changes`, `edit-config`, `validate`,
    /// `commit`, `read-back`, `confirm`, `cancel-commit` or `unlock`.
    public var step: String
    /// What went wrong and what the device was left with, for operators.
    public var message: String
    /// Nothing half-applied remains on the device: the running configuration is the one from before
    /// the run (or, when a session was lost at the very end, possibly the complete verified new one).
    /// False when the device may hold part of the change, or the change unverified.
    public var leftClean: Bool

    public init(errorClass: ErrorClass, step: String, message: String, leftClean: Bool) {
        self.errorClass = errorClass
        self.step = step
        self.message = message
        self.leftClean = leftClean
    }

    public var description: String { "\(step) failed (\(errorClass.rawValue)): \(message)" }
}
