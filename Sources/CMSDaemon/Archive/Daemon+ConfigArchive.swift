import CMSAPI
import CMSModel
import ConfigArchive
import Foundation

/// The config archive and restore API (``ConfigArchiveControl``, docs/config-archive.md).
extension Daemon: ConfigArchiveControl {
    private func archiver(_ tenant: String) async throws(APIError) -> (TenantController, TenantArchiver) {
        guard let controller = controller(tenant) else { throw APIError.notFound("tenant", tenant) }
        guard let archiver = await controller.configArchiver() else {
            throw APIError(status: 503, code: "archive-unavailable", message: "the tenant's config archive is not open")
        }
        return (controller, archiver)
    }

    static func format(_ text: String) throws(APIError) -> ArchiveFormat {
        guard let format = ArchiveFormat(rawValue: text) else {
            throw APIError.badRequest("format: '\(text)' is not a config format; use xml, show-config or tgz")
        }
        return format
    }

    public func configPull(_ tenant: String, device: String, format: String, user: String?) async throws(APIError)
        -> ConfigFile
    {
        let (controller, archiver) = try await archiver(tenant)
        let revision = await controller.inForce?.commit
        return try await archiver.pull(device, format: try Self.format(format), user: user, revision: revision)
    }

    public func configPush(
        _ tenant: String, device: String, format: String, url: String, passwordSecret: String?, keySecret: String?,
        passphraseSecret: String?, hostKey: String?, user: String?
    ) async throws(APIError) -> ConfigRestoreAccepted {
        let (controller, archiver) = try await archiver(tenant)
        let target: SSHTarget
        do {
            target = try SSHTarget(url)
        } catch {
            throw APIError.badRequest("url: \(error.description)")
        }
        let revision = await controller.inForce?.commit
        if let relay = try ConfigRelay.make(
            target: target, keySecret: keySecret, passphraseSecret: passphraseSecret, hostKey: hostKey,
            passwordSecret: passwordSecret, tenant: tenant, dataFolder: configuration.dataFolder)
        {
            let archiveFormat = try Self.format(format)
            try await archiver.relayUpload(
                device, format: archiveFormat, target: target, relay: relay, user: user, revision: revision)
            return ConfigRestoreAccepted(
                device: device, format: format, source: target.description,
                message: "\(device)'s \(format) config written to \(target) by cmsd (SSH key)")
        }
        let password = try passwordSecret.map { reference throws(APIError) in
            try Self.secret(reference, tenant: tenant, dataFolder: configuration.dataFolder)
        }
        try await archiver.upload(
            device, format: try Self.format(format), target: target, password: password, user: user, revision: revision)
        return ConfigRestoreAccepted(
            device: device, format: format, source: target.description,
            message: "\(device) uploaded its \(format) config to \(target)")
    }

    public func configLog(_ tenant: String, device: String, limit: Int) async throws(APIError) -> ConfigLog {
        try await archiver(tenant).1.log(device, limit: limit)
    }

    public func configDiff(_ tenant: String, device: String, from: String?, to: String?) async throws(APIError)
        -> ConfigDiff
    {
        try await archiver(tenant).1.diff(device, from: from, to: to)
    }

    public func configShow(_ tenant: String, device: String, format: String, revision: String?) async throws(APIError)
        -> ConfigFile
    {
        try await archiver(tenant).1.show(device, format: try Self.format(format), revision: revision)
    }

    public func configRestore(_ tenant: String, device: String, request: ConfigRestoreRequest, user: String?)
        async throws(APIError) -> ConfigRestoreAccepted
    {
        let (controller, archiver) = try await archiver(tenant)
        let format = try Self.format(request.format)
        var source = TenantController.RestoreSource(save: request.save ?? true)
        let described: String
        switch (request.contentBase64, request.archiveRevision, request.url) {
        case (let text?, nil, nil):
            guard text.utf8.count <= (ArchiveFormat.maxSize + 2) / 3 * 4 + 1024,
                let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters)
            else {
                throw APIError.badRequest("the file is not base64 or is over \(ArchiveFormat.maxSize) bytes (16 MiB)")
            }
            guard !data.isEmpty, data.count <= ArchiveFormat.maxSize else {
                throw APIError.badRequest("the file is empty or over \(ArchiveFormat.maxSize) bytes (16 MiB)")
            }
            source.content = [UInt8](data)
            described = "file"
        case (nil, let revision?, nil):
            do {
                let (commit, bytes) = try await archiver.archive.read(device: device, format: format, revision: revision)
                source.content = bytes
                described = "archive \(commit)"
            } catch {
                throw TenantArchiver.apiError(error)
            }
        case (nil, nil, let url?):
            let target: SSHTarget
            do {
                target = try SSHTarget(url)
            } catch {
                throw APIError.badRequest("url: \(error.description)")
            }
            described = target.description
            if let relay = try ConfigRelay.make(
                target: target, keySecret: request.keySecret, passphraseSecret: request.passphraseSecret,
                hostKey: request.hostKey, passwordSecret: request.passwordSecret, tenant: tenant,
                dataFolder: configuration.dataFolder)
            {
                // The device cannot use a key: cmsd reads the file and restores it inline (docs/config-archive.md).
                do {
                    source.content = try await relay.read()
                } catch {
                    await archiver.record(
                        .configRestoreFailed, device: device,
                        note: ArchiveNote(reason: .request, user: user, revision: await controller.inForce?.commit),
                        details: ["file": described, "format": format.rawValue, "error": error.description])
                    throw APIError(
                        status: error.code == .tooLarge ? 413 : 502, code: "config-transfer-failed",
                        message: error.description)
                }
            } else {
                source.url = target.description
                if let reference = request.passwordSecret {
                    source.password = try Self.secret(reference, tenant: tenant, dataFolder: configuration.dataFolder)
                }
            }
        default:
            throw APIError.badRequest("give exactly one of the file (contentBase64), an archive revision, or an ssh:// url")
        }
        let restore = ArchiveJournal.PendingRestore(
            device: device, format: format, source: described, user: user, content: source.content,
            started: await controller.currentTime().microsecondsSince1970 / 1_000_000)
        try await controller.submitRestore(restore, source: source)
        return ConfigRestoreAccepted(
            device: device, format: format.rawValue, source: described,
            message:
                "queued: \(device) will reboot into the restored config (its default config is overwritten"
                + "\(source.save ? " and stored as startup" : "")); follow it with `cms events --device \(device)`")
    }

    /// Reads a password given as `env:CMS_<TENANT>_…` or `file:NAME` (inside the tenant's secrets folder).
    static func secret(_ reference: String, tenant: String, dataFolder: String) throws(APIError) -> String {
        let value = try secretValue(reference, field: "passwordSecret", tenant: tenant, dataFolder: dataFolder)
            .trimmingCharacters(in: .newlines)
        guard (1...255).contains(value.count) else {
            throw APIError.badRequest("passwordSecret: the password must be 1 to 255 characters")
        }
        return value
    }

    /// Reads the value of a secret reference given as `env:CMS_<TENANT>_…` or `file:NAME` (inside the tenant's
    /// secrets folder); the error names `field`, never the value.
    static func secretValue(_ reference: String, field: String, tenant: String, dataFolder: String) throws(APIError)
        -> String
    {
        let ref: SecretRef
        if reference.hasPrefix("env:") {
            ref = .env(String(reference.dropFirst(4)))
        } else if reference.hasPrefix("file:") {
            ref = .file(String(reference.dropFirst(5)))
        } else {
            throw APIError.badRequest("\(field): give env:CMS_\(tenant.uppercased())_NAME or file:NAME, never the secret")
        }
        do {
            return try SecretReader.read(ref, field: field, tenant: tenant, dataFolder: dataFolder)
        } catch {
            throw APIError.badRequest("\(field): \(error)")
        }
    }
}
