/// Which files of a tenant repository are linted: `*.yaml` / `*.yml` outside `configs/` and hidden folders.
/// Every other path still counts as existing, so that config and firmware references can be checked.
public enum LintedPaths {
    /// Whether the repository-relative `path` is a document the linter reads.
    public static func contains(_ path: String) -> Bool {
        guard path.hasSuffix(".yaml") || path.hasSuffix(".yml") else { return false }
        if path.hasPrefix("configs/") { return false }
        return !path.split(separator: "/").contains { $0.hasPrefix(".") }
    }
}
