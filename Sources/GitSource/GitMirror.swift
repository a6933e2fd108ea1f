import CLibGit2
import Foundation

/// A bare local mirror of a remote repository, kept up to date with `fetch()`.
///
/// The first `open` clones the remote (bare, no work tree) into `path`; later opens reuse it. Fetches use the
/// clone's forced refspec (`+refs/heads/*:refs/remotes/origin/*`) with pruning, so a force-pushed branch moves to
/// its new tip and a deleted branch disappears.
public final class GitMirror: @unchecked Sendable {
    /// The remote's URL (`file://…`, a local path, or any scheme libgit2 supports).
    public let url: String
    /// The mirror, readable at any fetched revision.
    public let repository: GitRepository

    private init(url: String, repository: GitRepository) {
        self.url = url
        self.repository = repository
    }

    /// Opens the mirror at `path`, cloning `url` into it first when it does not exist yet. When the mirror exists
    /// but was made for another URL, its remote is repointed.
    /// `access` gives credentials and pins the server (private repositories; docs/git-sources.md).
    public static func open(url: String, at path: String, access: GitRemoteAccess? = nil) throws(GitSourceError)
        -> GitMirror
    {
        _ = GitRepository.initialised
        if !FileManager.default.fileExists(atPath: path) {
            try clone(url: url, into: path, access: access)
        }
        let repository = try GitRepository(path: path)
        let mirror = GitMirror(url: url, repository: repository)
        try mirror.pointRemote()
        return mirror
    }

    /// Clones into a temporary sibling and renames it into place, so a failed clone leaves nothing behind.
    private static func clone(url: String, into path: String, access: GitRemoteAccess?) throws(GitSourceError) {
        let parent = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw .cloneFailed(url: url, detail: "cannot create \(parent): \(error.localizedDescription)")
        }
        let temporary =
            path + ".partial-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        var options = git_clone_options()
        git_clone_options_init(&options, UInt32(GIT_CLONE_OPTIONS_VERSION))
        options.bare = 1
        let callbacks = GitRemoteCallbacks(url: url, access: access)
        callbacks.install(into: &options.fetch_opts.callbacks)
        var cloned: OpaquePointer?
        let status = withExtendedLifetime(callbacks) { git_clone(&cloned, url, temporary, &options) }
        guard status == 0, let cloned else {
            let error = callbacks.error(status: status) { .cloneFailed(url: url, detail: $0) }
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        git_repository_free(cloned)
        guard rename(temporary, path) == 0 else {
            let detail = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            // Another process may have cloned it meanwhile; that mirror is as good as ours.
            if FileManager.default.fileExists(atPath: path) { return }
            throw .cloneFailed(url: url, detail: "cannot move the clone into \(path): \(detail)")
        }
    }

    private func pointRemote() throws(GitSourceError) {
        repository.lock.lock()
        defer { repository.lock.unlock() }
        var remote: OpaquePointer?
        guard git_remote_lookup(&remote, repository.handle, "origin") == 0, let remote else {
            throw .fetchFailed(url: url, detail: "the mirror has no `origin` remote: " + GitRepository.lastError())
        }
        defer { git_remote_free(remote) }
        let current = git_remote_url(remote).map { String(cString: $0) }
        if current != url {
            guard git_remote_set_url(repository.handle, "origin", url) == 0 else {
                throw .fetchFailed(url: url, detail: GitRepository.lastError())
            }
        }
    }

    /// Fetches every branch of the remote (forced, pruned); `access` as for ``open(url:at:access:)``.
    public func fetch(access: GitRemoteAccess? = nil) throws(GitSourceError) {
        repository.lock.lock()
        defer { repository.lock.unlock() }
        var remote: OpaquePointer?
        guard git_remote_lookup(&remote, repository.handle, "origin") == 0, let remote else {
            throw .fetchFailed(url: url, detail: GitRepository.lastError())
        }
        defer { git_remote_free(remote) }
        var options = git_fetch_options()
        git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
        options.prune = GIT_FETCH_PRUNE
        let callbacks = GitRemoteCallbacks(url: url, access: access)
        callbacks.install(into: &options.callbacks)
        let status = withExtendedLifetime(callbacks) { git_remote_fetch(remote, nil, &options, "cms fetch") }
        guard status == 0 else {
            throw callbacks.error(status: status) { [url] in .fetchFailed(url: url, detail: $0) }
        }
    }

    /// The full commit id at the tip of `branch` as last fetched.
    public func tip(of branch: String) throws(GitSourceError) -> String {
        repository.lock.lock()
        defer { repository.lock.unlock() }
        var oid = git_oid()
        guard git_reference_name_to_id(&oid, repository.handle, "refs/remotes/origin/" + branch) == 0 else {
            throw .branchNotFound(branch: branch, url: url)
        }
        return String(cString: git_oid_tostr_s(&oid))
    }
}
