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
        /// Whether the entry is a symbolic link (mode 120000): its blob is the link's target, not a file.
        public let isSymlink: Bool

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
        /// The tree holds more blobs than the `maxEntries` asked for; ``entries`` stops there.
        public let isTruncated: Bool
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
    ///
    /// At most `maxEntries` blobs are listed (``Tree/isTruncated`` says there were more): a tree of millions of
    /// files must not become millions of entries in memory.
    public func tree(at revision: String, maxEntries: Int = .max) throws(GitSourceError) -> Tree {
        try withCommit(revision) { commit throws(GitSourceError) in
            try tree(of: commit, revision: revision, maxEntries: maxEntries)
        }
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

    private func tree(of commit: OpaquePointer, revision: String, maxEntries: Int) throws(GitSourceError) -> Tree {
        var treePointer: OpaquePointer?
        guard git_commit_tree(&treePointer, commit) == 0, let tree = treePointer else {
            throw .unknownRevision(revision: revision, detail: Self.lastError())
        }
        defer { git_tree_free(tree) }
        let collector = Collector(maxEntries: maxEntries)
        let unmanaged = Unmanaged.passRetained(collector)
        defer { unmanaged.release() }
        let status = git_tree_walk(
            tree, GIT_TREEWALK_PRE,
            { root, entry, payload in
                guard let entry, let payload, git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return 0 }
                let collector = Unmanaged<Collector>.fromOpaque(payload).takeUnretainedValue()
                guard collector.entries.count < collector.maxEntries else {
                    collector.isTruncated = true
                    return -1  // stops the walk
                }
                let name = String(cString: git_tree_entry_name(entry))
                let prefix = root.map { String(cString: $0) } ?? ""
                let isLink = git_tree_entry_filemode(entry).rawValue == GIT_FILEMODE_LINK.rawValue
                collector.entries.append(
                    Entry(path: prefix + name, oid: git_tree_entry_id(entry).pointee, isSymlink: isLink))
                return 0
            }, unmanaged.toOpaque())
        guard status == 0 || collector.isTruncated else { throw .readFailed(path: revision, detail: Self.lastError()) }
        let id = git_commit_id(commit).map { String(cString: git_oid_tostr_s($0)) } ?? ""
        return Tree(commit: id, entries: collector.entries, isTruncated: collector.isTruncated)
    }

    /// The size of a blob from its object header, without reading (inflating) the blob itself.
    public func size(of entry: Entry) throws(GitSourceError) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return try headerSize(entry)
    }

    private func headerSize(_ entry: Entry) throws(GitSourceError) -> Int {
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, handle) == 0, let odb else {
            throw .readFailed(path: entry.path, detail: Self.lastError())
        }
        defer { git_odb_free(odb) }
        var oid = entry.oid
        var length = 0
        var type = GIT_OBJECT_ANY
        guard git_odb_read_header(&length, &type, odb, &oid) == 0 else {
            throw .readFailed(path: entry.path, detail: Self.lastError())
        }
        return length
    }

    /// The bytes of one blob of a tree. A blob over `maxBytes` is refused (``GitSourceError/fileTooLarge``) before it
    /// is read: its size comes from the object header, so a 200 MiB blob costs no memory.
    public func read(_ entry: Entry, maxBytes: Int = .max) throws(GitSourceError) -> Data {
        lock.lock()
        defer { lock.unlock() }
        if maxBytes < .max {
            let size = try headerSize(entry)
            guard size <= maxBytes else { throw .fileTooLarge(path: entry.path, size: size, cap: maxBytes) }
        }
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
        let maxEntries: Int
        var entries: [Entry] = []
        var isTruncated = false

        init(maxEntries: Int) { self.maxEntries = maxEntries }
    }

    static func lastError() -> String {
        guard let error = git_error_last(), let message = error.pointee.message else { return "unknown libgit2 error" }
        return String(cString: message)
    }
}
