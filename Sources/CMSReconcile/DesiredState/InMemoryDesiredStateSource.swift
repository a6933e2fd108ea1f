import CMSModel
import CMSSchema

/// A desired-state source held in memory, for tests of the reconciler: commits are file maps, linted on load
/// exactly as the git source lints them.
public actor InMemoryDesiredStateSource: DesiredStateSource {
    /// Why the in-memory source could not answer.
    public enum SourceError: Error, Equatable, CustomStringConvertible {
        case noCommits(tenant: String)
        case unknownRevision(String)
        case injected(String)

        public var description: String {
            switch self {
            case .noCommits(let tenant): "tenant \(tenant) has no commit yet"
            case .unknownRevision(let commit): "unknown revision \(commit)"
            case .injected(let message): message
            }
        }
    }

    private struct Commit {
        let id: String
        let authorName: String
        let authorEmail: String
        let time: Timestamp
        let message: String
        let files: [String: String]
    }

    public nonisolated let tenant: String
    private var commits: [String: Commit] = [:]
    private var head: String?
    private var counter: UInt64 = 0
    private var nextFetchError: String?

    public init(tenant: String) { self.tenant = tenant }

    /// Records a commit of the whole tree `files` (repository-relative path → text) and moves the branch to it.
    /// Returns its (made-up, 40 hex digit) commit id.
    @discardableResult
    public func commit(
        _ files: [String: String], authorName: String = "Test Author", authorEmail: String = "author@example.com",
        message: String = "change", time: Timestamp = .seconds(0)
    ) -> String {
        counter += 1
        let hex = String(counter, radix: 16)
        let id = String(repeating: "0", count: 40 - hex.count) + hex
        commits[id] = Commit(
            id: id, authorName: authorName, authorEmail: authorEmail, time: time, message: message, files: files)
        head = id
        return id
    }

    /// Makes the next ``fetch()`` fail with `message` (once).
    public func failNextFetch(_ message: String) { nextFetchError = message }

    public func fetch() async throws -> String {
        if let message = nextFetchError {
            nextFetchError = nil
            throw SourceError.injected(message)
        }
        guard let head else { throw SourceError.noCommits(tenant: tenant) }
        return head
    }

    /// The config files of the snapshot's devices that `cmsd` sends or compares, as the git source hands them over:
    /// enforced XML baselines, the files flagged `autoConfig`, and those flagged `schedule` (restore-config and
    /// switch-auto-config schedules).
    static func enforcedConfigs(of snapshot: TenantSnapshot?, in files: [String: String]) -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        for device in snapshot?.devices ?? [] {
            for config in device.configs where (config.enforce && config.type == .xml) || config.autoConfig || config.schedule {
                let path = config.repositoryPath(device: device.code)
                if let text = files[path] { result[path] = Array(text.utf8) }
            }
        }
        return result
    }

    public func load(revision: String) async throws -> Revision {
        guard let commit = commits[revision] else { throw SourceError.unknownRevision(revision) }
        let sources = commit.files.filter { LintedPaths.contains($0.key) }.sorted { $0.key < $1.key }
            .map { SourceFile(path: $0.key, text: $0.value) }
        let result = Linter.lint(sources, repositoryPaths: Set(commit.files.keys))
        return Revision(
            commit: commit.id, authorName: commit.authorName, authorEmail: commit.authorEmail, time: commit.time,
            message: commit.message, snapshot: result.snapshot, diagnostics: result.diagnostics,
            files: Self.enforcedConfigs(of: result.snapshot, in: commit.files))
    }
}
