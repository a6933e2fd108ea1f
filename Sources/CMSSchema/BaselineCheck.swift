/// What is wrong with an enforced (baseline) XML config file, found by a checker outside this pure module
/// (`TenantSource` parses the file with the hardened XML parser and `CMSPlan.BaselinePart`).
public struct BaselineFinding: Sendable, Equatable {
    /// What is wrong and what to do.
    public var message: String
    /// 1-based line in the file, when known.
    public var line: Int?

    public init(message: String, line: Int? = nil) {
        self.message = message
        self.line = line
    }
}

/// Reads and checks the enforced XML config file at a repository path (`configs/<device>/<file>.xml`);
/// nil when it is a usable baseline. Called once per enforced file that exists, from ``Linter/check``.
public typealias BaselineCheck = @Sendable (_ path: String) -> BaselineFinding?
