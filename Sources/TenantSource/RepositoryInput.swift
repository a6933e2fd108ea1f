import CMSModel
import CMSSchema
import Foundation

/// What gets linted: where each YAML file's bytes come from, and every path that exists in the repository.
public struct RepositoryInput: Sendable {
    /// A YAML file to lint: its repository-relative path and a way to read it (from disk or from git).
    public struct File: Sendable {
        public let path: String
        public let read: @Sendable () throws -> Data

        public init(path: String, read: @escaping @Sendable () throws -> Data) {
            self.path = path
            self.read = read
        }
    }

    public let files: [File]
    public let paths: Set<String>
    /// The commit read, when the input comes from git (full id).
    public let revision: String?
    /// Reads any file of ``paths`` (config files too, e.g. baselines); a path not in ``paths`` is refused.
    public let read: @Sendable (_ path: String) throws -> Data
    /// Findings about the input itself, found while listing it: symbolic links (`input.symlink`), too many files
    /// (`input.limit`). Folder and `--rev` inputs report them alike.
    public let findings: [Diagnostic]
    /// The caps the input was read under; the linter holds the files to them too.
    public let limits: InputLimits

    public init(
        files: [File], paths: Set<String>, revision: String?, findings: [Diagnostic] = [],
        limits: InputLimits = .default,
        read: @escaping @Sendable (_ path: String) throws -> Data = { path in
            throw InputError(description: "cannot read \(path): this input holds only the linted files")
        }
    ) {
        self.files = files
        self.paths = paths
        self.revision = revision
        self.findings = findings
        self.limits = limits
        self.read = read
    }
}

/// Why the input could not be read.
public struct InputError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String

    public init(description: String) { self.description = description }
}
