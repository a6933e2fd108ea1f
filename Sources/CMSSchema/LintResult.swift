import CMSModel

/// The outcome of linting a tenant repository.
public struct LintResult: Sendable {
    /// The desired state; `nil` when any error was found (an invalid state is never applied).
    public var snapshot: TenantSnapshot?
    /// Every finding, sorted by file, line, column and rule.
    public var diagnostics: [Diagnostic]

    public init(snapshot: TenantSnapshot?, diagnostics: [Diagnostic]) {
        self.snapshot = snapshot
        self.diagnostics = diagnostics
    }

    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }
}
