import CMSAPI
import CMSModel
import CMSReconcile
import ConfigArchive
import Foundation

extension TenantController {
    /// Opens the tenant's config archive (`<data>/archive/<tenant>.git`) and hooks it to the device events that
    /// change a running config: (re)connection, a device-side change notification, and (``archiveAfterRun``) a
    /// verified apply or drift correction. Called once, before ``start()``.
    public func attachArchive(dataFolder: String) throws {
        var push: ArchivePushTarget?
        if let remote = configuration.archive {
            let password = try remote.credentials.map {
                try SecretReader.read($0, field: "tenants.\(code).archive.credentials")
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let privateKey = try remote.privateKey.map {
                try SecretReader.read($0, field: "tenants.\(code).archive.privateKey")
            }
            let passphrase = try remote.passphrase.map {
                try SecretReader.read($0, field: "tenants.\(code).archive.passphrase")
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            push = ArchivePushTarget(
                url: remote.url, branch: remote.branch, username: remote.username, password: password,
                privateKey: privateKey, passphrase: passphrase, hostKey: remote.hostKey)
        }
        let archive = try ConfigArchive(path: dataFolder + "/archive/\(code).git", push: push)
        let journal = ArchiveJournal(path: dataFolder + "/archive/\(code).journal.json")
        let key = try RedactionKey.loadOrCreate(path: dataFolder + "/archive/\(code).redaction-key")
        let archiver = TenantArchiver(
            tenant: code, archive: archive, journal: journal, redactionKey: key, events: events, logger: logger, now: now, rpcTimeout: timing.rpcTimeout
        ) { [weak self] device in await self?.agents[device] }
        self.archiver = archiver
        let onReady = context.onReady
        context.onReady = { [weak self] device in
            onReady(device)
            Task { await self?.deviceReadyForArchive(device) }
        }
        let onConfigChanged = context.onConfigChanged
        context.onConfigChanged = { [weak self] device in
            onConfigChanged(device)
            Task { await self?.requestArchive(device, reason: .deviceChange, user: nil) }
        }
    }

    /// The device connected (or came back): archive what it runs; then the restore and auto-config engines look.
    func deviceReadyForArchive(_ device: String) async {
        // A device back from a restore is archived by the restore's verification (reason `restore`), which runs
        // at the start of its next reconcile run, before anything is applied (``verifyPendingRestore(_:)``).
        if let archiver, await archiver.journal.pending(device) != nil { return }
        requestArchive(device, reason: .connected, user: nil)
        await autoConfigDeviceReady(device)
    }

    func requestArchive(_ device: String, reason: ArchiveReason, user: String?) {
        guard let archiver, agents[device] != nil else { return }
        let note = ArchiveNote(reason: reason, user: user, revision: inForce?.commit)
        Task { await archiver.request(device, note: note) }
    }

    /// After a run: a verified apply or a drift correction changed the running config, so it is archived (off
    /// the run, which has already returned its result).
    func archiveAfterRun(_ device: String, result: DeviceRunResult, user: String?) {
        guard result.errorClass == nil else { return }
        switch result.record.outcome {
        case .applied: requestArchive(device, reason: .apply, user: user)
        case .drifted: requestArchive(device, reason: .drift, user: user)
        default: break
        }
    }

    /// The controller's wall clock (injected).
    func currentTime() -> Timestamp { now() }

    /// The archiver, for the API and tests.
    public func configArchiver() -> TenantArchiver? { archiver }
}
