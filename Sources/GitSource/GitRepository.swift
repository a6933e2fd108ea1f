import CLibGit2
import Foundation

/// A git repository opened through libgit2, read at any revision without a checkout.
///
/// The class owns the `git_repository` handle; a lock serialises every libgit2 call, because libgit2 objects of
/// one repository must not be used from two threads at once.
public final class GitRepository: @unchecked Sendable {
    /// One file of a tree: its path and its blob id.
    public struct Entry: Sendable, Hashable {
        public let path: String
        let oid: git_oid

        public static func == (lhs: Entry, rhs: Entry) -> Bool {
            var l = lhs.oid, r = rhs.oid
            return lhs.path == rhs.path && git_oid_cmp(&l, &r) == 0
        }

        public func hash(into hasher: inout Hasher) { hasher.combine(path) }
    }

    /// A resolved revision: the commit id and every blob in its tree.
    public struct Tree: Sendable {
        /// Full hexadecimal commit id.
        public let commit: String
        public let entries: [Entry]
    }

    let handle: OpaquePointer
    let lock = NSLock()
    public let path: String

    static let initialised: Bool = {
        git_libgit2_init()
        _ = cms_git_set_owner_validation(0)
        return true
    }()

    /// Opens the repository at `path` (the work tree or the `.git` folder, or a bare repository).
    public init(path: String) throws(GitSourceError) {
        _ = Self.initialised
        var repository: OpaquePointer?
        let status = git_repository_open_ext(&repository, path, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil)
        guard status == 0, let repository else {
            throw .repositoryNotFound(path: path, detail: Self.lastError())
        }
        self.handle = repository
        self.path = path
    }

    deinit { git_repository_free(handle) }

    /// Resolves `HEAD`, a branch, a tag or a (short) sha to its commit and lists every blob of its tree.
    public func tree(at revision: String) throws(GitSourceError) -> Tree {
        try withCommit(revision) { commit throws(GitSourceError) in try tree(of: commit, revision: revision) }
    }

    /// Under the lock, resolves `revision` to a commit and lends it to `body`.
    func withCommit<T>(_ revision: String, _ body: (OpaquePointer) throws(GitSourceError) -> T)
        throws(GitSourceError) -> T
    {
        lock.lock()
        defer { lock.unlock() }
        var object: OpaquePointer?
        guard git_revparse_single(&object, handle, revision) == 0, let object else {
            throw .unknownRevision(revision: revision, detail: Self.lastError())
        }
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        guard git_object_peel(&peeled, object, GIT_OBJECT_COMMIT) == 0, let commit = peeled else {
            throw .unknownRevision(revision: revision, detail: "not a commit: " + Self.lastError())
        }
        defer { git_commit_free(commit) }
        return try body(commit)
    }

    private func tree(of commit: OpaquePointer, revision: String) throws(GitSourceError) -> Tree {
        var treePointer: OpaquePointer?
        guard git_commit_tree(&treePointer, commit) == 0, let tree = treePointer else {
            throw .unknownRevision(revision: revision, detail: Self.lastError())
        }
        defer { git_tree_free(tree) }
        let collector = Collector()
        let unmanaged = Unmanaged.passRetained(collector)
        defer { unmanaged.release() }
        let status = git_tree_walk(
            tree, GIT_TREEWALK_PRE,
            { root, entry, payload in
                guard let entry, let payload, git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return 0 }
                let collector = Unmanaged<Collector>.fromOpaque(payload).takeUnretainedValue()
                let name = String(cString: git_tree_entry_name(entry))
                let prefix = root.map { String(cString: $0) } ?? ""
                collector.entries.append(Entry(path: prefix + name, oid: git_tree_entry_id(entry).pointee))
                return 0
            }, unmanaged.toOpaque())
        guard status == 0 else { throw .readFailed(path: revision, detail: Self.lastError()) }
        let id = git_commit_id(commit).map { String(cString: git_oid_tostr_s($0)) } ?? ""
        return Tree(commit: id, entries: collector.entries)
    }

    /// The bytes of one blob of a tree.
    public func read(_ entry: Entry) throws(GitSourceError) -> Data {
        lock.lock()
        defer { lock.unlock() }
        var oid = entry.oid
        var blobPointer: OpaquePointer?
        guard git_blob_lookup(&blobPointer, handle, &oid) == 0, let blob = blobPointer else {
            throw .readFailed(path: entry.path, detail: Self.lastError())
        }
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let bytes = git_blob_rawcontent(blob) else { return Data() }
        return Data(bytes: bytes, count: size)
    }

    private final class Collector {
        var entries: [Entry] = []
    }

    static func lastError() -> String {
        guard let error = git_error_last(), let message = error.pointee.message else { return "unknown libgit2 error" }
        return String(cString: message)
    }
}
