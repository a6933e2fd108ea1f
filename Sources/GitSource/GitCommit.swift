import CLibGit2

/// A commit's metadata: who wrote it, when, and why.
public struct GitCommit: Sendable, Hashable {
    /// Full hexadecimal commit id.
    public let id: String
    public let authorName: String
    public let authorEmail: String
    /// Author time, seconds since 1970-01-01 UTC.
    public let authorTime: Int64
    /// The full commit message.
    public let message: String

    public init(id: String, authorName: String, authorEmail: String, authorTime: Int64, message: String) {
        self.id = id
        self.authorName = authorName
        self.authorEmail = authorEmail
        self.authorTime = authorTime
        self.message = message
    }
}

extension GitRepository {
    /// The metadata of the commit that `revision` (a branch, tag, ref or sha) names.
    public func commit(at revision: String) throws(GitSourceError) -> GitCommit {
        try withCommit(revision) { commit in
            let id = git_commit_id(commit).map { String(cString: git_oid_tostr_s($0)) } ?? ""
            let author = git_commit_author(commit)
            let name = author.flatMap { $0.pointee.name.map { String(cString: $0) } } ?? ""
            let email = author.flatMap { $0.pointee.email.map { String(cString: $0) } } ?? ""
            let time = author.map { Int64($0.pointee.when.time) } ?? 0
            let message = git_commit_message(commit).map { String(cString: $0) } ?? ""
            return GitCommit(id: id, authorName: name, authorEmail: email, authorTime: time, message: message)
        }
    }
}
