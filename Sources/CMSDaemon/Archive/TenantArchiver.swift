import CMSAPI
import CMSModel
import ConfigArchive
import Foundation
import Logging
import NETCONFClient

/// Keeps a tenant's config archive (docs/config-archive.md): after a verified apply, a drift correction, a
/// device-side change notification or a (re)connection, the device's running config is fetched and archived —
/// off the reconcile path (its own tasks), coalesced per device (a request while one waits or runs folds into
/// one more fetch), at most `maxConcurrent` fetches at once. On-demand pulls (``pull(_:format:user:)``) go
/// straight to the device.
///
/// It is observed state: nothing here feeds back into the desired state.
public actor TenantArchiver {
    public nonisolated let tenant: String
    public nonisolated let archive: ConfigArchive
    /// Restores awaiting verification and auto-config boots decided, persisted beside the archive.
    public nonisolated let journal: ArchiveJournal
    let events: any EventStore
    let now: @Sendable () -> Timestamp
    let logger: Logger
    let agentFor: @Sendable (String) async -> DeviceAgent?
    /// The formats archived automatically. tgz is not among them by default: a device stamps its archive with the
    /// time, so it would change on every read; it is archived when a user pulls it.
    public nonisolated let automaticFormats: [ArchiveFormat]
    /// The key of the archive's secret markers (``ConfigRedaction``).
    public nonisolated let redactionKey: RedactionKey
    let maxConcurrent: Int
    let rpcTimeout: Duration?

    private var waiting: [String: ArchiveNote] = [:]
    private var order: [String] = []
    private var running: Set<String> = []
    private var idle: [CheckedContinuation<Void, Never>] = []
    /// Configs fetched and waiting for the next commit (group commit: while one commit is written, the configs
    /// fetched meanwhile wait here and go into the next one together).
    private var ready: [(device: String, files: [ArchiveFormat: [UInt8]], note: ArchiveNote)] = []
    private var committing = false

    /// What the automatic archiving did (status, bench).
    public struct Counters: Sendable, Hashable {
        public var committed = 0
        public var unchanged = 0
        public var failed = 0
        public var skipped = 0
        /// Commits written by the automatic archiving (one may hold several devices).
        public var commits = 0
    }

    public private(set) var counters = Counters()

    public init(
        tenant: String, archive: ConfigArchive, journal: ArchiveJournal, redactionKey: RedactionKey,
        events: any EventStore, logger: Logger,
        now: @escaping @Sendable () -> Timestamp, automaticFormats: [ArchiveFormat] = [.xml, .showConfig],
        maxConcurrent: Int = 8, rpcTimeout: Duration? = nil,
        agentFor: @escaping @Sendable (String) async -> DeviceAgent?
    ) {
        self.tenant = tenant
        self.archive = archive
        self.journal = journal
        self.redactionKey = redactionKey
        self.events = events
        self.logger = logger
        self.now = now
        self.automaticFormats = automaticFormats
        self.maxConcurrent = max(1, maxConcurrent)
        self.rpcTimeout = rpcTimeout
        self.agentFor = agentFor
    }

    // MARK: - Automatic archiving

    /// Asks for the device's running config to be archived; returns at once.
    public func request(_ device: String, note: ArchiveNote) {
        waiting[device] = note
        if !order.contains(device) { order.append(device) }
        pump()
    }

    /// Returns once nothing waits or runs (tests, bench).
    public func waitUntilIdle() async {
        guard !isIdle else { return }
        await withCheckedContinuation { idle.append($0) }
    }

    private func pump() {
        while running.count < maxConcurrent, let index = order.firstIndex(where: { !running.contains($0) }) {
            let device = order.remove(at: index)
            guard let note = waiting.removeValue(forKey: device) else { continue }
            running.insert(device)
            Task { [weak self] in
                guard let self else { return }
                await self.archiveOnce(device, note: note)
                await self.finished(device)
            }
        }
        if isIdle {
            let waiters = idle
            idle = []
            for waiter in waiters { waiter.resume() }
        }
    }

    private var isIdle: Bool { order.isEmpty && running.isEmpty && ready.isEmpty && !committing }

    private func finished(_ device: String) {
        running.remove(device)
        pump()
    }

    private func archiveOnce(_ device: String, note: ArchiveNote) async {
        guard let agent = await agentFor(device) else {
            counters.skipped += 1
            return
        }
        let formats = automaticFormats
        let key = redactionKey
        let timeout = rpcTimeout
        let files: [ArchiveFormat: [UInt8]]
        do {
            files = try await agent.withSession { session in
                var files: [ArchiveFormat: [UInt8]] = [:]
                for format in formats {
                    files[format] = ConfigRedaction.redact(
                        try await ConfigTransfer.backup(session, format: format, timeout: timeout), format: format,
                        key: key)
                }
                return files
            }
        } catch let error as DeviceUnavailable {
            // Not connected (rebooting, disconnected): the next connection archives it.
            counters.skipped += 1
            logger.debug("config not archived: the device is not connected", metadata: ["device": "\(device)", "error": "\(error)"])
            return
        } catch {
            counters.failed += 1
            await record(.configBackupFailed, device: device, note: note, details: ["error": Self.describe(error)])
            return
        }
        do throws(ArchiveError) {
            try ArchiveRepository.validate(ArchiveEntry(device: device, files: files))
        } catch {
            counters.failed += 1
            await record(.configBackupFailed, device: device, note: note, details: ["error": error.description])
            return
        }
        ready.append((device, files, note))
        if !committing {
            committing = true
            Task { [weak self] in await self?.commitReady() }
        }
    }

    /// Writes what is ready, in as few commits as there are distinct notes (reason, user, revision), until nothing
    /// is left; a device fetched twice meanwhile is archived as last fetched.
    private func commitReady() async {
        while !ready.isEmpty {
            let batch = ready
            ready = []
            var last: [String: Int] = [:]
            for (index, item) in batch.enumerated() { last[item.device] = index }
            var notes: [ArchiveNote] = []
            var groups: [ArchiveNote: [(device: String, files: [ArchiveFormat: [UInt8]])]] = [:]
            for (index, item) in batch.enumerated() where last[item.device] == index {
                if groups[item.note] == nil { notes.append(item.note) }
                groups[item.note, default: []].append((item.device, item.files))
            }
            for note in notes {
                let items = groups[note] ?? []
                do throws(ArchiveError) {
                    let written = try await archive.record(
                        items.map { ArchiveEntry(device: $0.device, files: $0.files) }, note: note, time: seconds())
                    if written != nil { counters.commits += 1 }
                    for item in items {
                        guard let written, let files = written.changed[item.device] else {
                            counters.unchanged += 1
                            continue
                        }
                        counters.committed += 1
                        await record(
                            .configBackupSucceeded, device: item.device, note: note,
                            details: [
                                "revision": written.commit.id, "files": files.map(\.fileName).joined(separator: ","),
                            ])
                    }
                } catch {
                    counters.failed += items.count
                    for item in items {
                        await record(.configBackupFailed, device: item.device, note: note, details: ["error": error.description])
                    }
                }
            }
        }
        committing = false
        pump()
    }

    // MARK: - On demand

    /// Fetches `format` from the device now, archives it (a commit when it changed, naming `user`), and returns it.
    public func pull(_ device: String, format: ArchiveFormat, user: String?, revision: String?) async throws(APIError)
        -> ConfigFile
    {
        guard let agent = await agentFor(device) else { throw APIError.notFound("device", device) }
        let note = ArchiveNote(reason: .request, user: user, revision: revision)
        await record(.configBackupStarted, device: device, note: note, details: ["format": format.rawValue])
        let timeout = rpcTimeout
        let bytes: [UInt8]
        do {
            bytes = ConfigRedaction.redact(
                try await agent.withSession { session in
                    try await ConfigTransfer.backup(session, format: format, timeout: timeout)
                }, format: format, key: redactionKey)
        } catch {
            let message = Self.describe(error)
            await record(.configBackupFailed, device: device, note: note, details: ["format": format.rawValue, "error": message])
            if error is DeviceUnavailable { throw APIError(status: 409, code: "device-unavailable", message: message) }
            throw APIError(status: 502, code: "config-backup-failed", message: message)
        }
        let commit: ArchiveCommit?
        let head: String?
        do throws(ArchiveError) {
            commit = try await archive.record(device: device, files: [format: bytes], note: note, time: seconds())
            if let commit { head = commit.id } else { head = try await archive.read(device: device, format: format).commit }
        } catch {
            await record(
                .configBackupFailed, device: device, note: note,
                details: ["format": format.rawValue, "error": error.description])
            throw APIError(status: 500, code: "archive-failed", message: error.description)
        }
        var details = ["format": format.rawValue, "size": String(bytes.count), "changed": String(commit != nil)]
        if let head { details["revision"] = head }
        await record(.configBackupSucceeded, device: device, note: note, details: details)
        return ConfigFile(
            device: device, format: format.rawValue, revision: head, changed: commit != nil, size: bytes.count,
            contentBase64: Data(bytes).base64EncodedString())
    }

    /// Has the device upload `format` to an external `ssh://` target (its transfer RPC); the password goes only
    /// into the RPC, never into an event, a log line or the archive.
    public func upload(
        _ device: String, format: ArchiveFormat, target: SSHTarget, password: String?, user: String?,
        revision: String?
    ) async throws(APIError) {
        guard let agent = await agentFor(device) else { throw APIError.notFound("device", device) }
        let note = ArchiveNote(reason: .request, user: user, revision: revision)
        let details = ["format": format.rawValue, "url": target.description]
        await record(.configBackupStarted, device: device, note: note, details: details)
        let timeout = rpcTimeout
        do {
            try await agent.withSession { session in
                try await ConfigTransfer.backup(
                    session, format: format, url: target.description, password: password, timeout: timeout)
            }
        } catch {
            var message = Self.describe(error)
            if let password, !password.isEmpty { message = message.replacingOccurrences(of: password, with: "***") }
            await record(.configBackupFailed, device: device, note: note, details: details.merging(["error": message]) { $1 })
            throw APIError(status: 502, code: "config-backup-failed", message: message)
        }
        await record(.configBackupSucceeded, device: device, note: note, details: details)
    }

    public func log(_ device: String, limit: Int) async throws(APIError) -> ConfigLog {
        do {
            let commits = try await archive.log(device: device, limit: limit)
            return ConfigLog(
                device: device,
                entries: commits.map {
                    ConfigLogEntry(
                        revision: $0.id, time: $0.time, author: $0.author, subject: $0.subject, message: $0.message,
                        files: $0.files.map(\.fileName))
                })
        } catch {
            throw Self.apiError(error)
        }
    }

    public func diff(_ device: String, from: String?, to: String?) async throws(APIError) -> ConfigDiff {
        do {
            var from = from
            var to = to
            if from == nil {
                let commits = try await archive.log(device: device, limit: 2)
                guard let newest = commits.first else { throw ArchiveError.notFound(what: "anything of \(device)") }
                guard commits.count == 2 else {
                    throw APIError(
                        status: 404, code: "no-previous-revision",
                        message: "\(device) has one archived revision (\(newest.id)); nothing to compare it with yet")
                }
                from = commits[1].id
                to = to ?? newest.id
            }
            let fromRevision = from ?? "HEAD"
            let toRevision = to ?? "HEAD"
            let text = try await archive.diff(device: device, from: fromRevision, to: toRevision)
            return ConfigDiff(device: device, from: fromRevision, to: toRevision, text: text)
        } catch let error as APIError {
            throw error
        } catch let error as ArchiveError {
            throw Self.apiError(error)
        } catch {
            throw APIError(status: 500, code: "archive-failed", message: "\(error)")
        }
    }

    public func show(_ device: String, format: ArchiveFormat, revision: String?) async throws(APIError) -> ConfigFile {
        do {
            let (commit, bytes) = try await archive.read(device: device, format: format, revision: revision ?? "HEAD")
            return ConfigFile(
                device: device, format: format.rawValue, revision: commit, changed: false, size: bytes.count,
                contentBase64: Data(bytes).base64EncodedString())
        } catch {
            throw Self.apiError(error)
        }
    }

    // MARK: - Helpers

    func seconds() -> Int64 { now().microsecondsSince1970 / 1_000_000 }

    func record(_ type: EventType, device: String, note: ArchiveNote, details: [String: String]) async {
        var details = details
        details["reason"] = note.reason.rawValue
        do {
            _ = try await events.append([
                Event(
                    time: now(), tenant: tenant, type: type, device: device, user: note.user, revision: note.revision,
                    details: details)
            ])
        } catch {
            logger.error("cannot record a config archive event", metadata: ["error": "\(error)"])
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? ConfigTransferError { return error.description }
        if let error = error as? ConfigRedaction.Failure { return error.description }
        if let error = error as? DeviceUnavailable { return error.description }
        return DeviceAgent.describe(error)
    }

    static func apiError(_ error: ArchiveError) -> APIError {
        switch error {
        case .notFound: APIError(status: 404, code: "not-in-archive", message: error.description)
        case .badDevice: APIError(status: 400, code: "bad-device", message: error.description)
        case .tooLarge: APIError(status: 413, code: "too-large", message: error.description)
        default: APIError(status: 500, code: "archive-failed", message: error.description)
        }
    }
}
