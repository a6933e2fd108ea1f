/// Why a git repository or revision could not be read; each case says what to do.
public enum GitSourceError: Error, Equatable, CustomStringConvertible, Sendable {
    case repositoryNotFound(path: String, detail: String)
    case unknownRevision(revision: String, detail: String)
    case readFailed(path: String, detail: String)

    public var description: String {
        switch self {
        case .repositoryNotFound(let path, let detail):
            return "no git repository at \(path) (\(detail)); pass the repository's folder"
        case .unknownRevision(let revision, let detail):
            return "unknown revision `\(revision)` (\(detail)); use HEAD, a branch, a tag or a commit sha"
        case .readFailed(let path, let detail):
            return "cannot read \(path) from git (\(detail))"
        }
    }
}
