import CMSModel
import CMSReconcile
import CMSSchema
import Foundation
import GitSource
import Logging

/// A tenant's desired state from its git repository, through libgit2 and a bare local mirror.
///
/// The mirror lives at `<data>/tenants/<code>/mirror.git`; it is cloned on the first fetch and fetched (forced,
/// pruned) afterwards, so history rewrites are followed. Revisions are read from the mirror's objects — there is
/// never a checkout — and linted exactly as `cms-lint --rev` lints them.
///
/// libgit2 calls block; they run inside this actor, whose executor is a dedicated thread
/// (``BlockingExecutor/git``), never on the Swift concurrency pool. The lint runs on threads of its own
/// (``ConcurrentLinter``), so a slow lint holds neither the pool nor the git thread.
public actor TenantRepositorySource: DesiredStateSource {
    public nonisolated var unownedExecutor: UnownedSerialExecutor { BlockingExecutor.git.asUnownedSerialExecutor() }

    public nonisolated let tenant: String
    public nonisolated let repository: TenantRepository
    /// The bare mirror's folder.
    public nonisolated let mirrorPath: String
    private let limits: Limits
    /// Caps on what one revision may make the daemon read and parse (sizes, YAML aliases, time).
    private let inputLimits: InputLimits
    private let logger: Logger
    private var mirror: GitMirror?
    /// Credentials and server pins of a private repository, resolved before each clone or fetch (nil: anonymous).
    private let access: (@Sendable () throws -> GitRemoteAccess?)?

    public init(
        tenant: String, repository: TenantRepository, dataFolder: String, limits: Limits = .default,
        inputLimits: InputLimits = .default, logger: Logger = Logger(label: "cms.tenant-source"),
        access: (@Sendable () throws -> GitRemoteAccess?)? = nil
    ) {
        self.access = access
        self.tenant = tenant
        self.repository = repository
        self.mirrorPath = dataFolder + "/tenants/" + tenant + "/mirror.git"
        self.limits = limits
        self.inputLimits = inputLimits
        var logger = logger
        logger[metadataKey: "tenant"] = "\(tenant)"
        self.logger = logger
    }

    private func openMirror() throws(TenantSourceError) -> GitMirror {
        if let mirror { return mirror }
        do {
            let opened = try GitMirror.open(url: repository.url, at: mirrorPath, access: try remoteAccess())
            mirror = opened
            return opened
        } catch {
            throw .fetch(tenant: tenant, error)
        }
    }

    /// The resolved access; a secret that cannot be read is a ``GitAccessFailure/Reason/credentialsUnavailable``.
    private func remoteAccess() throws(GitSourceError) -> GitRemoteAccess? {
        guard let access else { return nil }
        do {
            return try access()
        } catch {
            throw .accessDenied(
                url: repository.url, GitAccessFailure(.credentialsUnavailable, "the repository's credentials: \(error)"))
        }
    }

    /// Fetches the repository and returns the commit id at the tip of the tenant's branch.
    public func fetch() async throws -> String {
        let mirror = try openMirror()
        do {
            try mirror.fetch(access: try remoteAccess())
            let tip = try mirror.tip(of: repository.branch)
            logger.debug("fetched", metadata: ["branch": "\(repository.branch)", "commit": "\(tip)"])
            return tip
        } catch {
            logger.warning("fetch failed", metadata: ["error": "\(error)"])
            throw TenantSourceError.fetch(tenant: tenant, error)
        }
    }

    /// Reads the tenant's files at `revision` from the mirror (no checkout) and lints them; ``Revision/files``
    /// holds the bytes of every enforced XML config file (baselines) of an applicable revision.
    public func load(revision: String) async throws -> Revision {
        let mirror = try openMirror()
        let input: RepositoryInput
        let commit: GitCommit
        do {
            commit = try mirror.repository.commit(at: revision)
            input = try RepositoryLoader.git(
                mirror.repository, revision: commit.id, subfolder: repository.subfolder, limits: inputLimits)
        } catch {
            throw TenantSourceError.load(tenant: tenant, revision: revision, detail: "\(error)")
        }
        // Off the concurrency pool and within the time budget: a hostile revision fails this tenant's lint only.
        let result = await ConcurrentLinter.lint(input, limits: limits)
        var files: [String: [UInt8]] = [:]
        for device in result.snapshot?.devices ?? [] {
            // Baselines, the auto-config files sent to a device that boots with auto-config (issue 12), and the files
            // flagged `schedule` (restore-config and switch-auto-config schedules, issue 13).
            for config in device.configs where (config.enforce && config.type == .xml) || config.autoConfig || config.schedule {
                let path = config.repositoryPath(device: device.code)
                do {
                    files[path] = Array(try input.read(path))
                } catch {
                    throw TenantSourceError.load(tenant: tenant, revision: commit.id, detail: "\(error)")
                }
            }
        }
        // Firmware images kept in the repository (`file:`): cmsd stages them into its image store and serves them.
        for image in result.snapshot?.firmware ?? [] {
            guard case .file(let path) = image.source, files[path] == nil else { continue }
            do {
                files[path] = Array(try input.read(path))
            } catch {
                throw TenantSourceError.load(tenant: tenant, revision: commit.id, detail: "\(error)")
            }
        }
        logger.debug(
            "loaded",
            metadata: [
                "commit": "\(commit.id)", "files": "\(input.files.count)", "errors": "\(result.errorCount)",
                "warnings": "\(result.warningCount)",
            ])
        return Revision(
            commit: commit.id, authorName: commit.authorName, authorEmail: commit.authorEmail,
            time: .seconds(commit.authorTime), message: commit.message, snapshot: result.snapshot,
            diagnostics: result.diagnostics, files: files)
    }
}
