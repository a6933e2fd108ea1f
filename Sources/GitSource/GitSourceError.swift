/// Why a git repository or revision could not be read; each case says what to do.
public enum GitSourceError: Error, Equatable, CustomStringConvertible, Sendable {
    case repositoryNotFound(path: String, detail: String)
    case unknownRevision(revision: String, detail: String)
    case readFailed(path: String, detail: String)
    /// The remote could not be cloned into the local mirror.
    case cloneFailed(url: String, detail: String)
    /// The remote could not be fetched (unreachable, not a repository, permission denied…).
    case fetchFailed(url: String, detail: String)
    /// The remote has no such branch.
    case branchNotFound(branch: String, url: String)
    /// A blob is larger than the caller's cap; it was not read (its size comes from the object header).
    case fileTooLarge(path: String, size: Int, cap: Int)
    /// The server refused the credentials, or `cmsd` refused the server (host key, certificate): see the failure's
    /// reason (the tenant status condition shows it) and message.
    case accessDenied(url: String, GitAccessFailure)

    public var description: String {
        switch self {
        case .repositoryNotFound(let path, let detail):
            return "no git repository at \(path) (\(detail)); pass the repository's folder"
        case .unknownRevision(let revision, let detail):
            return "unknown revision `\(revision)` (\(detail)); use HEAD, a branch, a tag or a commit sha"
        case .readFailed(let path, let detail):
            return "cannot read \(path) from git (\(detail))"
        case .cloneFailed(let url, let detail):
            return "cannot clone \(GitRemoteURL.redacted(url)) (\(detail)); check the repository URL or path and that it is reachable"
        case .fetchFailed(let url, let detail):
            return "cannot fetch \(GitRemoteURL.redacted(url)) (\(detail)); check the repository URL or path and that it is reachable"
        case .branchNotFound(let branch, let url):
            return "the repository \(GitRemoteURL.redacted(url)) has no branch `\(branch)`; push it or configure the tenant's branch"
        case .fileTooLarge(let path, let size, let cap):
            return "\(path) is \(size) bytes, over the cap of \(cap) bytes; it was not read"
        case .accessDenied(let url, let failure):
            return "cannot fetch \(GitRemoteURL.redacted(url)): \(failure.message)"
        }
    }
}
