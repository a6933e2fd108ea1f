import CMSAPI
import CMSModel
import CMSReconcile
import ConfigArchive
import Foundation
import NETCONF
import NETCONFClient
import NXRModel

/// Config restore and auto-config (SPEC §4, docs/config-archive.md): both send a file with the device's
/// config-restore RPC as a ``DisruptiveOperation`` (the tenant's cap, one per device), expect the reboot
/// (`rebooting`, no DOWN), and check when the device is back that it runs the file. What is in flight is in the
/// ``ArchiveJournal`` first, so a `kill -9` of `cmsd` in the middle still ends with a verdict after the restart.
extension TenantController {
    /// How a restore reaches the device: inline bytes, or an `ssh://` URL the device downloads itself.
    struct RestoreSource: Sendable {
        var content: [UInt8]?
        var url: String?
        var password: String?
        var save: Bool
    }

    /// Queues a restore. Throws when the device is not managed or an operation already waits for it.
    func submitRestore(_ restore: ArchiveJournal.PendingRestore, source: RestoreSource) throws(APIError) {
        guard agents[restore.device] != nil else {
            throw APIError(
                status: 404, code: "device-not-found", message: "no managed device '\(restore.device)' in this tenant")
        }
        let operation = DisruptiveOperation(
            name: restore.autoConfig ? "auto-config" : "config-restore", user: restore.user,
            run: { [weak self] agent in await self?.performRestore(restore, source: source, agent: agent) },
            cancelled: { [weak self] reason in await self?.restoreCancelled(restore, reason: reason) })
        guard submitDisruptive(restore.device, operation) else {
            throw APIError(
                status: 409, code: "operation-pending",
                message: "another disruptive operation already waits for \(restore.device); try again when it has run")
        }
    }

    /// The restore never had its turn (``DisruptiveOperation/cancelled``): its failure event, nothing was sent.
    func restoreCancelled(_ restore: ArchiveJournal.PendingRestore, reason: String) async {
        let details = ["file": restore.source, "format": restore.format.rawValue, "error": reason]
        await append([
            Event(
                time: now(), tenant: code, type: restore.autoConfig ? .autoConfigFailed : .configRestoreFailed,
                device: restore.device, user: restore.user, revision: inForce?.commit, details: details)
        ])
    }

    /// The queue step: journal, events, the RPC, the expected reboot. Waiting for the device is not done here.
    func performRestore(_ restore: ArchiveJournal.PendingRestore, source: RestoreSource, agent: DeviceAgent) async {
        guard let archiver else { return }
        let device = restore.device
        var details = ["file": restore.source, "format": restore.format.rawValue]
        if restore.autoConfig { details["save"] = String(source.save) }
        func fail(_ message: String) async {
            _ = await archiver.journal.finish(device)
            await append([
                Event(
                    time: now(), tenant: code, type: restore.autoConfig ? .autoConfigFailed : .configRestoreFailed,
                    device: device, user: restore.user, revision: inForce?.commit,
                    details: details.merging(["error": message]) { _, new in new })
            ])
        }
        guard await archiver.journal.begin(restore) else {
            await fail("the restore journal under the data folder cannot be written; nothing was sent")
            return
        }
        let started: EventType =
            restore.autoConfig ? (source.save ? .autoConfigSaveStarted : .autoConfigStarted) : .configRestoreStarted
        await append([
            Event(
                time: now(), tenant: code, type: started, device: device, user: restore.user,
                revision: inForce?.commit, details: details)
        ])
        let timeout = timing.rpcTimeout
        let key = archiver.redactionKey
        let answer: ConfigTransfer.RestoreAnswer
        let rebootKind: RebootKind = restore.autoConfig ? .autoConfig : .configRestore
        // The device may reboot right after its reply, before the reply is handled here: announced first.
        await agent.rebootAnnounced(rebootKind)
        do {
            answer = try await agent.withSession { session in
                var content = source.content
                // An archived file holds its secrets redacted: they come back from what the device has now.
                if let redacted = content, ConfigRedaction.isRedacted(redacted) {
                    let running = try await ConfigTransfer.backup(session, format: restore.format, timeout: timeout)
                    content = try ConfigRedaction.unredact(redacted, format: restore.format, using: running, key: key)
                }
                return try await ConfigTransfer.restore(
                    session, format: restore.format, content: content, url: source.url,
                    password: source.password, save: source.save, timeout: timeout)
            }
        } catch {
            await agent.rebootWithdrawn()
            await fail(TenantArchiver.describe(error))
            return
        }
        if answer.rebooting { await agent.rebootOrdered(rebootKind) } else { await agent.rebootWithdrawn() }
        await append([
            Event(
                time: now(), tenant: code, type: .configRestoreSucceeded, device: device, user: restore.user,
                revision: inForce?.commit, details: details.merging(["rebooting": String(answer.rebooting)]) { $1 })
        ])
    }

    /// The device is back: if a restore was sent to it, compare what it runs with the file, record the verdict,
    /// and archive the result (reason `restore`). Runs at the start of the device's reconcile run (the one queued
    /// when it connected), so the comparison sees the device before the reconciler changes anything. Waits while
    /// the device has not rebooted since the restore; gives up after the reboot window.
    func verifyPendingRestore(_ device: String) async {
        guard let archiver, let restore = await archiver.journal.pending(device), let agent = agents[device] else {
            return
        }
        let info = await agent.info()
        guard info.state == .connected || info.state == .communicating, let uptime = info.uptimeSeconds else { return }
        let nowSeconds = now().microsecondsSince1970 / 1_000_000
        var details = ["file": restore.source, "format": restore.format.rawValue]
        func failed(_ message: String) async {
            await append([
                Event(
                    time: now(), tenant: code, type: restore.autoConfig ? .autoConfigFailed : .configRestoreFailed,
                    device: device, user: restore.user, revision: inForce?.commit,
                    details: details.merging(["error": message]) { $1 })
            ])
        }
        // Booted before the restore was sent: not back from it (yet).
        guard nowSeconds - uptime + 2 >= restore.started else {
            if nowSeconds - restore.started > 600 {
                _ = await archiver.journal.finish(device)
                await failed("the device did not reboot into the restored config within 10 minutes")
            }
            return
        }
        let compared: ArchiveFormat = restore.format == .tgz ? .xml : restore.format
        let timeout = timing.rpcTimeout
        let running: [UInt8]
        do {
            running = ConfigRedaction.redact(
                try await agent.withSession { session in
                    try await ConfigTransfer.backup(session, format: compared, timeout: timeout)
                }, format: compared, key: archiver.redactionKey)
        } catch {
            return  // not readable now; the next run tries again
        }
        _ = await archiver.journal.finish(device)
        if let expected = restore.content, restore.format != .tgz {
            let redacted = ConfigRedaction.redact(expected, format: restore.format, key: archiver.redactionKey)
            guard ConfigComparison.same(restore.format, redacted, running)
            else {
                await failed("the device came back running another config than the restored file")
                return
            }
            details["verified"] = "running config matches the restored file"
        } else {
            details["verified"] = restore.format == .tgz ? "not compared (tgz)" : "not compared (ssh:// source)"
        }
        let note = ArchiveNote(
            reason: .restore, user: restore.user, revision: inForce?.commit,
            details: ["Restored": restore.source, "Verified": details["verified"] ?? ""])
        do throws(ArchiveError) {
            let commit = try await archiver.archive.record(
                device: device, files: [compared: running], note: note, time: nowSeconds)
            if let commit {
                details["revision"] = commit.id
            } else {
                details["revision"] = try await archiver.archive.read(device: device, format: compared).commit
            }
        } catch {
            details["archive"] = error.description
        }
        details["reason"] = ArchiveReason.restore.rawValue
        await append([
            Event(
                time: now(), tenant: code, type: .configBackupSucceeded, device: device, user: restore.user,
                revision: inForce?.commit, details: details)
        ])
        if restore.autoConfig { await autoConfigDeviceReady(device) }
    }

    // MARK: - Auto-config

    /// The device connected after an authenticated announcement: when its running config has
    /// `netconf-server auto-config` enabled and this boot was not decided yet (journal), it gets the file flagged
    /// `autoConfig` (or the "not registered" event). Never twice for one boot, even across a restart of `cmsd`.
    func autoConfigDeviceReady(_ device: String) async {
        guard let archiver, let agent = agents[device], let boot = await agent.bootID(), let revision = inForce,
            let desired = revision.snapshot?.device(device), !desired.suspended
        else { return }
        let timeout = timing.rpcTimeout
        let enabled: Bool
        do {
            enabled = try await agent.withSession { session in
                try await AutoConfigProbe.enabled(session, timeout: timeout)
            }
        } catch {
            logger.debug("auto-config setting not read", metadata: ["device": "\(device)", "error": "\(error)"])
            return
        }
        guard enabled, await archiver.journal.claimAutoConfigBoot(device, boot: boot) else { return }
        // A `switch-auto-config` schedule's choice (docs/schedules.md) wins once over the file flagged autoConfig.
        let selection = await archiver.journal.autoConfigSelection(device)
        if selection != nil { await archiver.journal.clearAutoConfigSelection(device) }
        let selected = selection.flatMap { chosen in desired.configs.first { $0.file == chosen.file } }
        guard let file = selected ?? desired.configs.first(where: \.autoConfig) else {
            await append([
                Event(
                    time: now(), tenant: code, type: .autoConfigNotRegistered, device: device,
                    revision: revision.commit, details: ["boot": String(boot)])
            ])
            return
        }
        let path = file.repositoryPath(device: device)
        guard let bytes = revision.files[path] else {
            await append([
                Event(
                    time: now(), tenant: code, type: .autoConfigFailed, device: device, revision: revision.commit,
                    details: ["file": file.file, "error": "\(path) was not loaded from the revision"])
            ])
            return
        }
        let format: ArchiveFormat =
            switch file.type {
            case .xml: .xml
            case .tgz: .tgz
            case .showConfig: .showConfig
            }
        let restore = ArchiveJournal.PendingRestore(
            device: device, format: format, source: file.file, user: selection?.user ?? revision.user, content: bytes,
            autoConfig: true, started: now().microsecondsSince1970 / 1_000_000)
        do {
            try submitRestore(restore, source: RestoreSource(content: bytes, save: file.autoConfigSave))
        } catch {
            await append([
                Event(
                    time: now(), tenant: code, type: .autoConfigFailed, device: device, revision: revision.commit,
                    details: ["file": file.file, "error": error.message])
            ])
        }
    }
}

/// Reads `netconf-server/auto-config` from the device's running config.
enum AutoConfigProbe {
    static func enabled(_ session: any DeviceSession, timeout: Duration?) async throws -> Bool {
        let filter = XMLElement(
            "filter", namespace: NETCONFNamespace.base, attributes: [XMLAttribute(name: "type", value: "subtree")],
            elements: [XMLElement("netconf-server", namespace: NXRNamespace.uri)])
        let reply = try await session.rpc(
            XMLElement(
                "get-config", namespace: NETCONFNamespace.base,
                elements: [
                    XMLElement(
                        "source", namespace: NETCONFNamespace.base,
                        elements: [XMLElement("running", namespace: NETCONFNamespace.base)]),
                    filter,
                ]), timeout: timeout)
        let server = reply.data?.child("netconf-server")
        return server?.childText("auto-config")?.trimmingCharacters(in: .whitespaces) == "true"
    }
}

/// Whether a device runs a restored file: XML compared as trees (element names, namespaces, leaf text; not
/// formatting), show-config as its non-empty lines.
enum ConfigComparison {
    static func same(_ format: ArchiveFormat, _ expected: [UInt8], _ running: [UInt8]) -> Bool {
        switch format {
        case .xml:
            guard let a = try? XML.parse(expected), let b = try? XML.parse(running) else { return expected == running }
            return canonical(a.elements) == canonical(b.elements)
        case .showConfig:
            func lines(_ bytes: [UInt8]) -> [String] {
                String(decoding: bytes, as: UTF8.self).split(separator: "\n")
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            return lines(expected) == lines(running)
        case .tgz:
            return expected == running
        }
    }

    static func canonical(_ elements: [XMLElement]) -> String {
        elements.map { element in
            let inner = element.elements.isEmpty
                ? element.text.trimmingCharacters(in: .whitespacesAndNewlines) : canonical(element.elements)
            return "<\(element.namespace ?? ""):\(element.name)>\(inner)</>"
        }.joined()
    }
}
