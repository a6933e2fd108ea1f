/// A desired-state file that cannot be planned with: unreadable, hostile or outside what its part may touch.
///
/// It names the repository file (and line, when known) and says what to change, e.g.
/// `configs/ebisu/baseline.xml:7: ipsec/ike-policy[name='cms-x'] is managed by cms (IPsec groups) …`.
public struct PlanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Repository-relative path of the file, e.g. `configs/ebisu/baseline.xml`.
    public var file: String
    /// What is wrong and what to do, in words a tenant can act on.
    public var message: String
    /// 1-based line in the file, when known.
    public var line: Int?

    public init(file: String, message: String, line: Int? = nil) {
        self.file = file
        self.message = message
        self.line = line
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
