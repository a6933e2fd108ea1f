/// `<default-operation>` of edit-config (RFC 6241 §7.2).
public enum DefaultOperation: String, Sendable {
    case merge, replace, none
}

/// `<test-option>` of edit-config (needs `:validate`).
public enum TestOption: String, Sendable {
    case testThenSet = "test-then-set", set, testOnly = "test-only"
}

/// `<error-option>` of edit-config (`rollback-on-error` needs `:rollback-on-error`).
public enum ErrorOption: String, Sendable {
    case stopOnError = "stop-on-error", continueOnError = "continue-on-error", rollbackOnError = "rollback-on-error"
}
