/// How findings are printed: for people, for programs, for code-scanning tools, for GitHub Actions.
public enum OutputFormat: String, Sendable, CaseIterable {
    case text, json, sarif, github
}
