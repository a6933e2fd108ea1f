/// One finding of the linter: which rule, where, what is wrong and how to fix it.
public struct Diagnostic: Sendable, Equatable, Hashable, Codable, Comparable {
    /// How bad a finding is; warnings fail a lint only with `--strict`.
    public enum Severity: String, Sendable, Equatable, Hashable, Codable {
        case error, warning
    }

    /// Stable rule id, e.g. `device.code-format` (see ``Rule``).
    public var ruleID: String
    public var severity: Severity
    /// Repository-relative path (`.` for findings about the repository as a whole).
    public var file: String
    /// 1-based.
    public var line: Int
    /// 1-based, in Unicode scalars.
    public var column: Int
    public var message: String
    /// What to do about it.
    public var hint: String?

    public init(
        ruleID: String, severity: Severity, file: String, line: Int, column: Int, message: String,
        hint: String? = nil
    ) {
        self.ruleID = ruleID
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
    }

    /// Creates a finding of a catalogued rule; the severity is the rule's.
    public init(_ rule: Rule, file: String, at position: SourcePosition, _ message: String, hint: String? = nil) {
        self.init(
            ruleID: rule.rawValue, severity: rule.severity, file: file, line: position.line,
            column: position.column, message: message, hint: hint ?? rule.defaultHint)
    }

    /// Orders by file, line, column, rule id, then message.
    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        if lhs.file != rhs.file { return lhs.file < rhs.file }
        if lhs.line != rhs.line { return lhs.line < rhs.line }
        if lhs.column != rhs.column { return lhs.column < rhs.column }
        if lhs.ruleID != rhs.ruleID { return lhs.ruleID < rhs.ruleID }
        return lhs.message < rhs.message
    }
}
