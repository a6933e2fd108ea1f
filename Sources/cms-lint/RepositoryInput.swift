import Foundation

/// What gets linted: where each YAML file's bytes come from, and every path that exists in the repository.
struct RepositoryInput: Sendable {
    /// A YAML file to lint: its repository-relative path and a way to read it (from disk or from git).
    struct File: Sendable {
        let path: String
        let read: @Sendable () throws -> Data
    }

    let files: [File]
    let paths: Set<String>
    /// The commit linted with `--rev`.
    let revision: String?
}

/// Why the input could not be read.
struct InputError: Error, CustomStringConvertible {
    let description: String
}
