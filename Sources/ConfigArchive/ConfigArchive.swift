import TenantSource

/// A tenant's config archive (``ArchiveRepository``) behind an actor whose jobs run on the archive's own thread
/// (``BlockingExecutor/archive``): libgit2 writes, reads and pushes never block the Swift concurrency pool.
public actor ConfigArchive {
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        BlockingExecutor.archive.asUnownedSerialExecutor()
    }

    public nonisolated let path: String
    private let repository: ArchiveRepository
    private let pushTarget: ArchivePushTarget?
    /// The last push's failure, if the last push failed (status).
    public private(set) var lastPushError: String?

    /// Opens (or creates) the bare repository at `path`; `push` is where every new commit is pushed, if anywhere.
    public init(path: String, push: ArchivePushTarget? = nil) throws(ArchiveError) {
        self.path = path
        repository = try ArchiveRepository(path: path)
        pushTarget = push
    }

    /// Archives `files` of `device`; nil when nothing changed. Pushes a new commit when a remote is configured
    /// (a failed push is kept in ``lastPushError`` and retried with the next commit; the local commit stands).
    public func record(device: String, files: [ArchiveFormat: [UInt8]], note: ArchiveNote, time: Int64)
        throws(ArchiveError) -> ArchiveCommit?
    {
        let commit = try repository.record(device: device, files: files, note: note, time: time)
        if commit != nil { pushNew() }
        return commit
    }

    /// Archives several devices' files in one commit (nil when none changed), pushed once like ``record(device:files:note:time:)``.
    public func record(_ entries: [ArchiveEntry], note: ArchiveNote, time: Int64) throws(ArchiveError)
        -> ArchiveBatchCommit?
    {
        let batch = try repository.record(entries, note: note, time: time)
        if batch != nil { pushNew() }
        return batch
    }

    private func pushNew() {
        guard let pushTarget else { return }
        do {
            try repository.push(to: pushTarget)
            lastPushError = nil
        } catch {
            lastPushError = error.description
        }
    }

    public func log(device: String, limit: Int = 100) throws(ArchiveError) -> [ArchiveCommit] {
        try repository.log(device: device, limit: limit)
    }

    public func read(device: String, format: ArchiveFormat, revision: String = "HEAD") throws(ArchiveError) -> (
        commit: String, bytes: [UInt8]
    ) {
        try repository.read(device: device, format: format, revision: revision)
    }

    public func diff(device: String, from: String, to: String) throws(ArchiveError) -> String {
        try repository.diff(device: device, from: from, to: to)
    }

    public func head() -> String? { repository.head() }

    /// Pushes now (tests, or after a failed push).
    public func push() throws(ArchiveError) {
        guard let pushTarget else { return }
        try repository.push(to: pushTarget)
        lastPushError = nil
    }

    /// Whether a job runs on the archive's thread (tests).
    public func runsOnOwnThread() -> Bool { BlockingExecutor.archive.isCurrent }
}

extension BlockingExecutor {
    /// The thread every tenant's config archive writes on.
    public static let archive = BlockingExecutor(name: "cms-archive")
}
