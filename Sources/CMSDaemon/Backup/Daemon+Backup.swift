import BackupSFTP
import CMSStore
import CMSAPI
import CMSBackup
import CMSModel
import Foundation
import Logging
import TenantBackup

/// Tenant backup and restore (docs/backup.md, SPEC §11): online snapshots while the tenant keeps reconciling;
/// restores staged, then swapped with the tenant's controller stopped and rebuilt from the restored files.
extension Daemon: BackupControl {
    /// `<data>/tenants/<code>`.
    func tenantFolder(_ code: String) -> String { configuration.dataFolder + "/tenants/" + code }

    /// The parts of a tenant's backup, in order: key pair, secrets, state rows, config archive (issue 12), firmware
    /// image records (issue 11), and the event log when asked.
    func backupParts(_ code: String, includeEvents: Bool) -> [any BackupPart] {
        Self.backupParts(
            code, dataFolder: configuration.dataFolder, state: state, events: events, includeEvents: includeEvents)
    }

    static func backupParts(
        _ code: String, dataFolder: String, state: SQLiteStateStoreRef, events: SQLiteEventStoreRef, includeEvents: Bool
    ) -> [any BackupPart] {
        let folder = dataFolder + "/tenants/" + code
        var parts: [any BackupPart] = [
            TenantFilesPart.keys(tenantFolder: folder), TenantFilesPart.secrets(tenantFolder: folder),
            StoreRowsPart.state(store: state, tenant: code), TenantFilesPart.archive(dataFolder: dataFolder, tenant: code),
            FirmwareRecordsPart(tenantFolder: folder),
        ]
        if includeEvents { parts.append(StoreRowsPart.events(store: events, tenant: code)) }
        return parts
    }

    /// Rolls forward (or drops) restores a crash cut off; run at start, before any tenant's controller exists.
    static func recoverRestores(
        configuration: DaemonConfiguration, state: SQLiteStateStoreRef, events: SQLiteEventStoreRef, logger: Logger
    ) throws {
        for code in TenantRestore.pending(dataFolder: configuration.dataFolder) {
            let restore = TenantRestore(dataFolder: configuration.dataFolder, tenant: code)
            // Every part, events included: the marker lists which ones the backup holds.
            let parts = backupParts(
                code, dataFolder: configuration.dataFolder, state: state, events: events, includeEvents: true)
            if try restore.recover(parts: parts) {
                logger.notice("an interrupted restore was completed", metadata: ["tenant": "\(code)"])
            } else {
                logger.notice("an unfinished restore was dropped; the tenant's state is unchanged", metadata: ["tenant": "\(code)"])
            }
        }
    }

    private func backupSettings(_ code: String) throws(APIError) -> (TenantConfiguration, BackupConfiguration) {
        guard let tenant = configuration.tenants.first(where: { $0.code == code }) else {
            throw APIError.notFound("tenant", code)
        }
        return (tenant, tenant.backup ?? BackupConfiguration())
    }

    private func backupKey(_ code: String, _ settings: BackupConfiguration) throws(RestoreProblem) -> [UInt8] {
        guard let reference = settings.key else { throw .noKey(tenant: code) }
        do {
            return Array(try SecretReader.read(reference, field: "tenants.\(code).backup.key").utf8)
        } catch {
            throw .failed("the backup key cannot be read: \(error.message)")
        }
    }

    func backupFolder(_ code: String, _ settings: BackupConfiguration) -> String {
        settings.folder ?? (configuration.dataFolder + "/backups/" + code)
    }

    private func sftpCredentials(_ code: String, _ settings: BackupConfiguration) throws(RestoreProblem) -> SFTPCredentials {
        guard let ssh = settings.ssh else {
            throw .badTarget("tenant \(code) has no backup.ssh settings (password or privateKey, hostKey or knownHosts)")
        }
        let field = "tenants.\(code).backup.ssh"
        do {
            let authentication: SFTPCredentials.Authentication
            if let password = ssh.password {
                authentication = .password(try SecretReader.read(password, field: field + ".password"))
            } else if let key = ssh.privateKey {
                let passphrase = try ssh.passphrase.map { try SecretReader.read($0, field: field + ".passphrase") }
                authentication = .privateKey(try Self.readWhole(key, field: field + ".privateKey"), passphrase: passphrase)
            } else {
                throw RestoreProblem.badTarget("\(field): give password or privateKey")
            }
            let pin: SFTPCredentials.HostKeyPin
            if let fingerprint = ssh.hostKey { pin = .fingerprint(fingerprint) } else if let file = ssh.knownHosts {
                pin = .knownHosts(file)
            } else {
                throw RestoreProblem.badTarget("\(field): pin the server with hostKey or knownHosts")
            }
            return SFTPCredentials(authentication: authentication, hostKey: pin)
        } catch let problem as RestoreProblem {
            throw problem
        } catch let error as ConfigurationError {
            throw .failed("\(field): \(error.message)")
        } catch {
            throw .failed("\(field): \(error)")
        }
    }

    /// A private key is several lines: read all of it (≤ 64 KiB), not just the first line.
    private static func readWhole(_ reference: SecretRef, field: String) throws -> String {
        switch reference {
        case .env: return try SecretReader.read(reference, field: field)
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path), let data = try handle.read(upToCount: 65_537),
                data.count <= 65_536, let text = String(data: data, encoding: .utf8)
            else { throw ConfigurationError(file: path, line: nil, field: field, message: "cannot read the key file") }
            return text
        }
    }

    private func beginJob(_ code: String) throws(APIError) {
        let started = backupJobs.withLock { $0.insert(code).inserted }
        guard started else {
            throw APIError(status: 409, code: "busy", message: "a backup or restore of tenant \(code) is running; try again later")
        }
    }

    private func endJob(_ code: String) { _ = backupJobs.withLock { $0.remove(code) } }

    private func record(_ type: EventType, _ code: String, user: String?, details: [String: String]) async {
        _ = try? await events.append([Event(time: now(), tenant: code, type: type, user: user, details: details)])
    }

    private func now() -> Timestamp { environment.now() }

    private func wallDate() -> Date { Date(timeIntervalSince1970: Double(environment.now().microsecondsSince1970) / 1e6) }

    static func apiError(_ problem: RestoreProblem) -> APIError {
        let status: Int =
            switch problem {
            case .fileMissing: 404
            case .cannotConnect: 502
            case .noKey, .badTarget: 400
            case .notEnoughSpace: 507
            case .failed: 500
            default: 422
            }
        return APIError(status: status, code: problem.code, message: problem.description)
    }

    static func contents(_ manifest: BackupManifest) -> BackupContents {
        BackupContents(
            format: manifest.format, cmsd: manifest.cmsd, tenant: manifest.tenant, created: manifest.created,
            revision: manifest.revision, parts: manifest.parts, devices: manifest.devices, groups: manifest.groups,
            members: manifest.members.map {
                BackupMemberSummary(name: $0.name, size: $0.size, sha256: $0.sha256, sealed: $0.sealed)
            })
    }

    // MARK: - Backup

    public func backup(_ code: String, to target: String?, includeEvents: Bool, user: String?) async throws(APIError)
        -> BackupResult
    {
        let (_, settings) = try backupSettings(code)
        guard let controller = controllers[code] else { throw APIError.notFound("tenant", code) }
        try beginJob(code)
        defer { endJob(code) }
        let started = wallDate()
        let stamp = ISO8601DateFormatter.string(
            from: started, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withYear, .withMonth, .withDay, .withTime])
        let text = target ?? "\(code)-\(stamp).tgz"
        await record(.tenantBackupStarted, code, user: user, details: ["target": text, "events": "\(includeEvents)"])
        do {
            let destination = try BackupTarget.parse(text).get()
            let key = try backupKey(code, settings)
            let credentials: SFTPCredentials? =
                if case .ssh = destination { try sftpCredentials(code, settings) } else { nil }
            let facts = await controller.backupFacts()
            let info = BackupInfo(
                tenant: code, cmsd: Self.version, created: started, revision: facts.revision, devices: facts.devices,
                groups: facts.groups)
            let parts = backupParts(code, includeEvents: includeEvents)
            let work = configuration.dataFolder + "/tmp/backup-" + code
            let output: String
            let location: String
            switch destination {
            case .local(let name):
                output = backupFolder(code, settings) + "/" + name
                location = output
            case .ssh(let ssh):
                output = configuration.dataFolder + "/tmp/outgoing-" + code + ".tgz"
                location = ssh.url
            }
            let manifest = try await BlockingJob.run("cmsd backup \(code)") {
                let sealer = try BackupSealer.forWriting(secret: key)
                return try TenantBackupArchive.write(parts: parts, info: info, sealer: sealer, work: work, output: output)
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int64) ?? 0
            if case .ssh(let ssh) = destination, let credentials {
                defer { try? FileManager.default.removeItem(atPath: output) }
                try await SFTPBackupClient.upload(output, to: ssh, credentials: credentials)
            }
            let seconds = wallDate().timeIntervalSince(started)
            await record(
                .tenantBackupSucceeded, code, user: user,
                details: [
                    "location": location, "bytes": "\(size)", "members": "\(manifest.members.count)",
                    "parts": manifest.parts.joined(separator: ","), "revision": manifest.revision ?? "",
                ])
            logger.info("tenant backup written", metadata: ["tenant": "\(code)", "location": "\(location)", "bytes": "\(size)"])
            return BackupResult(location: location, size: size, seconds: seconds, contents: Self.contents(manifest))
        } catch {
            let problem = (error as? RestoreProblem) ?? .failed("\(error)")
            await record(.tenantBackupFailed, code, user: user, details: ["error": problem.description, "code": problem.code])
            throw Self.apiError(problem)
        }
    }

    // MARK: - Restore

    public func restore(_ code: String, from source: String, checkOnly: Bool, user: String?) async throws(APIError)
        -> RestoreResult
    {
        let (tenant, settings) = try backupSettings(code)
        guard controllers[code] != nil else { throw APIError.notFound("tenant", code) }
        try beginJob(code)
        defer { endJob(code) }
        let startedEvent = Event(
            time: now(), tenant: code, type: .tenantRestoreStarted, user: user,
            details: ["source": source, "check": "\(checkOnly)"])
        if !checkOnly { _ = try? await events.append([startedEvent]) }
        var download: String?
        defer { if let download { try? FileManager.default.removeItem(atPath: download) } }
        do {
            let origin = try BackupTarget.parse(source).get()
            let key = try backupKey(code, settings)
            let archive: String
            switch origin {
            case .local(let name):
                archive = backupFolder(code, settings) + "/" + name
                guard FileManager.default.fileExists(atPath: archive) else { throw RestoreProblem.fileMissing(archive) }
            case .ssh(let ssh):
                let credentials = try sftpCredentials(code, settings)
                try FileManager.default.createDirectory(
                    atPath: configuration.dataFolder + "/tmp", withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700])
                let path = configuration.dataFolder + "/tmp/incoming-" + code + ".tgz"
                download = path
                try await SFTPBackupClient.download(ssh, to: path, credentials: credentials)
                archive = path
            }
            var otherDevices = 0
            for (other, controller) in controllers where other != code { otherDevices += await controller.backupFacts().devices }
            let facts = RestoreFacts(
                tenant: code, freeBytes: .max, serverMaxDevices: configuration.limits.maxDevices,
                otherTenantsDevices: otherDevices, devicesPerTenant: Limits.default.devicesPerTenant,
                groupsPerTenant: Limits.default.groupsPerTenant)
            let restore = TenantRestore(dataFolder: configuration.dataFolder, tenant: code)
            let parts = backupParts(code, includeEvents: true)
            let manifest = try await BlockingJob.run("cmsd restore \(code)") {
                try restore.stage(
                    archive, sealerFor: { try BackupSealer(secret: key, derivation: $0) }, facts: facts, parts: parts)
            }
            if checkOnly {
                try? FileManager.default.removeItem(atPath: restore.folder)
                return RestoreResult(location: source, checkOnly: true, restored: false, contents: Self.contents(manifest))
            }
            try await swap(tenant, restore: restore, parts: parts, manifest: manifest)
            await record(.tenantRestoreStarted, code, user: user, details: startedEvent.details)
            await record(
                .tenantRestoreSucceeded, code, user: user,
                details: [
                    "source": source, "created": manifest.created, "revision": manifest.revision ?? "",
                    "parts": manifest.parts.joined(separator: ","),
                ])
            return RestoreResult(location: source, checkOnly: false, restored: true, contents: Self.contents(manifest))
        } catch {
            let problem = (error as? RestoreProblem) ?? .failed("\(error)")
            await record(.tenantRestoreFailed, code, user: user, details: ["error": problem.description, "code": problem.code])
            throw Self.apiError(problem)
        }
    }

    /// Stops the tenant's controller, installs the staged state, builds a new controller from the restored files
    /// (key, secrets) and stores (pins, serials, revision), and starts it: it adopts the restored revision in
    /// force, reconnects with the restored key and pins, and reconciles.
    private func swap(
        _ tenant: TenantConfiguration, restore: TenantRestore, parts: [any BackupPart], manifest: BackupManifest
    ) async throws {
        if let old = controllers[tenant.code] { await old.shutdown() }
        var failure: (any Error)?
        do {
            try await BlockingJob.run("cmsd restore \(tenant.code)") { try restore.commit(parts: parts, manifest: manifest) }
        } catch {
            failure = error
        }
        // SPEC §11: a restore erases the tenant's device syslogs (they are never in a backup); the controller is
        // stopped, so no fetch writes meanwhile.
        if failure == nil {
            let syslogs = tenantFolder(tenant.code) + "/syslog"
            if FileManager.default.fileExists(atPath: syslogs) {
                do { try FileManager.default.removeItem(atPath: syslogs) } catch { failure = error }
            }
        }
        // The image store re-reads the restored records (those whose image is on this server).
        if let engine = firmwareEngines[tenant.code] {
            do {
                try await engine.store.reload()
            } catch {
                failure = failure ?? error
            }
        }
        let fresh = try makeController(tenant)
        controllerTable.withLock { $0[tenant.code] = fresh }
        try await attachParts(tenant.code, to: fresh)
        await fresh.start()
        if let failure { throw failure }
    }
}

typealias SQLiteStateStoreRef = CMSStore.SQLiteStateStore
typealias SQLiteEventStoreRef = CMSStore.SQLiteEventStore
