import BackupSFTP
import CMSAPI
import CMSBackup
import CMSModel
import ConfigArchive
import Foundation

/// A config transfer between a device and an external `ssh://` server that authenticates with an SSH **key**
/// (docs/config-archive.md, "External ssh:// URLs").
///
/// The NXR's own transfer RPCs take a URL and a **password** only: SPEC §4 ("`ssh://account@host:port/path`
/// (+ password)"), the original guide (§4.6.3 and §4.7.2: 外部 URL とパスワード; public-key authentication appears
/// there only for the tenant backup's SSH server, §3.2) and so `schemas/nxr.yang`'s `config-backup` /
/// `config-restore` (`url`, `password`). A device cannot be handed a key. So with a key `cmsd` carries the file
/// itself: it reads the config from the device inline (the same config-backup RPC) and writes it to the server
/// over SFTP, or reads the file from the server and restores it inline — with the server's host key pinned before
/// the key is offered, the key read from its secret reference at the moment of the request and held in memory
/// only (never a file, an event, a log line, the journal or the archive).
struct ConfigRelay: Sendable {
    var location: BackupTarget.SSHLocation
    var credentials: SFTPCredentials

    /// The relay for `target`, or nil when no key is given (the device transfers with its password).
    static func make(
        target: SSHTarget, keySecret: String?, passphraseSecret: String?, hostKey: String?, passwordSecret: String?,
        tenant: String, dataFolder: String
    ) throws(APIError) -> ConfigRelay? {
        guard let keySecret else {
            if passphraseSecret != nil || hostKey != nil {
                throw APIError.badRequest(
                    "passphraseSecret and hostKey go with keySecret (a device transfers with a password itself)")
            }
            return nil
        }
        guard passwordSecret == nil else {
            throw APIError.badRequest("give one of passwordSecret (the device transfers) or keySecret (cmsd does)")
        }
        guard let hostKey else {
            throw APIError.badRequest(
                "hostKey: pin the SSH server of \(target) (SHA256:…, as ssh-keygen -l -E sha256 -f its host key prints"
                    + " it): cmsd offers the key only to that server")
        }
        let pin = hostKey.trimmingCharacters(in: .whitespaces)
        guard pin.hasPrefix("SHA256:"), pin.count >= 40, pin.count <= 80 else {
            throw APIError.badRequest("hostKey: '\(hostKey)' is not a SHA256:… fingerprint (ssh-keygen -l -E sha256)")
        }
        let key = try Daemon.secretValue(keySecret, field: "keySecret", tenant: tenant, dataFolder: dataFolder)
        guard key.contains("PRIVATE KEY-----") else {
            throw APIError.badRequest(
                "keySecret: the secret is not an OpenSSH or PEM private key (-----BEGIN … PRIVATE KEY-----)")
        }
        let passphrase = try passphraseSecret.map { reference throws(APIError) in
            try Daemon.secretValue(reference, field: "passphraseSecret", tenant: tenant, dataFolder: dataFolder)
                .trimmingCharacters(in: .newlines)
        }
        return ConfigRelay(
            location: BackupTarget.SSHLocation(
                account: target.account, host: target.host, port: target.port, path: target.path),
            credentials: SFTPCredentials(
                authentication: .privateKey(key, passphrase: passphrase), hostKey: .fingerprint(pin)))
    }

    /// Writes `bytes` to the server.
    func write(_ bytes: [UInt8]) async throws(ConfigTransferError) {
        do {
            try await SFTPBackupClient.write(bytes, to: location, credentials: credentials)
        } catch {
            throw Self.failure(error)
        }
    }

    /// Reads the file from the server (at most 16 MiB, the archive's limit).
    func read() async throws(ConfigTransferError) -> [UInt8] {
        do {
            let bytes = try await SFTPBackupClient.read(location, maxBytes: ArchiveFormat.maxSize, credentials: credentials)
            guard !bytes.isEmpty else { throw ConfigTransferError(.transferFailed, "\(location.url) is empty") }
            return bytes
        } catch let error as ConfigTransferError {
            throw error
        } catch {
            throw Self.failure(error)
        }
    }

    static func failure(_ error: any Error) -> ConfigTransferError {
        switch error {
        case RestoreProblem.corrupt(let detail):
            ConfigTransferError(.tooLarge, "\(detail) (16 MiB); nothing was restored")
        case let problem as RestoreProblem:
            ConfigTransferError(.transferFailed, "cmsd could not transfer with SSH key: \(problem.description)")
        default:
            ConfigTransferError(.transferFailed, "cmsd could not transfer with SSH key: \(error)")
        }
    }
}

extension TenantArchiver {
    /// Reads `format` from the device (inline, unredacted: the file is the device's own) and writes it to the
    /// external server with an SSH key (``ConfigRelay``); nothing is archived.
    func relayUpload(
        _ device: String, format: ArchiveFormat, target: SSHTarget, relay: ConfigRelay, user: String?,
        revision: String?
    ) async throws(APIError) {
        guard let agent = await agentFor(device) else { throw APIError.notFound("device", device) }
        let note = ArchiveNote(reason: .request, user: user, revision: revision)
        let details = ["format": format.rawValue, "url": target.description, "transfer": "cmsd (SSH key)"]
        await record(.configBackupStarted, device: device, note: note, details: details)
        let timeout = rpcTimeout
        do {
            let bytes = try await agent.withSession { session in
                try await ConfigTransfer.backup(session, format: format, timeout: timeout)
            }
            try await relay.write(bytes)
        } catch {
            let message = Self.describe(error)
            await record(.configBackupFailed, device: device, note: note, details: details.merging(["error": message]) { $1 })
            if error is DeviceUnavailable { throw APIError(status: 409, code: "device-unavailable", message: message) }
            throw APIError(status: 502, code: "config-backup-failed", message: message)
        }
        await record(.configBackupSucceeded, device: device, note: note, details: details)
    }
}
