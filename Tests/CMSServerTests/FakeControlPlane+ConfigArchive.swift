import CMSAPI
import Foundation
import Synchronization

/// The config pulls asked of each fake ("tenant device format user"), in order.
let configPulls = Mutex<[UUID: [String]]>([:])

/// The fake's config archive: tokyo-01 has two archived versions of its show-config (an MTU change); other devices
/// have nothing archived, unknown ones are 404 like the daemon's.
extension FakeControlPlane: ConfigArchiveControl {
    static let archiveRevisions = ["c0ffee1234567890abcdef", "bead00112233445566778899"]
    static let archivedTexts = ["interface ethernet 0\n mtu 1500\n", "interface ethernet 0\n mtu 1400\n"]

    private func archived(_ tenant: String, _ device: String) throws(APIError) -> Bool {
        guard tenant == "acme" || tenant == "globex" else { throw APIError.notFound("tenant", tenant) }
        guard ["tokyo-01", "osaka-02"].contains(device) else { throw APIError.notFound("device", device) }
        return device == "tokyo-01"
    }

    func configPull(_ tenant: String, device: String, format: String, user: String?) async throws(APIError) -> ConfigFile {
        _ = try archived(tenant, device)
        configPulls.withLock { $0[key, default: []].append("\(tenant) \(device) \(format) \(user ?? "-")") }
        let text = Data(Self.archivedTexts[1].utf8)
        return ConfigFile(
            device: device, format: format, revision: Self.archiveRevisions[1], changed: false, size: text.count,
            contentBase64: text.base64EncodedString())
    }

    func configPush(
        _ tenant: String, device: String, format: String, url: String, passwordSecret: String?, keySecret: String?,
        passphraseSecret: String?, hostKey: String?, user: String?
    ) async throws(APIError) -> ConfigRestoreAccepted {
        _ = try archived(tenant, device)
        return ConfigRestoreAccepted(device: device, format: format, source: url, message: "uploading")
    }

    func configLog(_ tenant: String, device: String, limit: Int) async throws(APIError) -> ConfigLog {
        guard try archived(tenant, device) else { return ConfigLog(device: device, entries: []) }
        return ConfigLog(
            device: device,
            entries: [
                ConfigLogEntry(
                    revision: Self.archiveRevisions[1], time: 1_796_000_000, author: "acme-ci",
                    subject: "tokyo-01: show-config changed", message: "", files: ["tokyo-01/config.show"]),
                ConfigLogEntry(
                    revision: Self.archiveRevisions[0], time: 1_795_000_000, author: "cmsd",
                    subject: "tokyo-01: first archive", message: "", files: ["tokyo-01/config.show"]),
            ].prefix(limit).map { $0 })
    }

    func configDiff(_ tenant: String, device: String, from: String?, to: String?) async throws(APIError) -> ConfigDiff {
        guard try archived(tenant, device) else { throw APIError(status: 404, code: "not-archived", message: "nothing archived") }
        let (old, new) = (from ?? Self.archiveRevisions[0], to ?? Self.archiveRevisions[1])
        let text = old == new ? "" : """
            diff --git a/tokyo-01/config.show b/tokyo-01/config.show
            --- a/tokyo-01/config.show
            +++ b/tokyo-01/config.show
            @@ -1,2 +1,2 @@
             interface ethernet 0
            - mtu 1500
            + mtu 1400

            """
        return ConfigDiff(device: device, from: old, to: new, text: text)
    }

    func configShow(_ tenant: String, device: String, format: String, revision: String?) async throws(APIError)
        -> ConfigFile
    {
        guard try archived(tenant, device) else { throw APIError(status: 404, code: "not-archived", message: "nothing archived") }
        let index = Self.archiveRevisions.firstIndex(of: revision ?? Self.archiveRevisions[1]) ?? 1
        let bytes = format == "tgz" ? Data([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe]) : Data(Self.archivedTexts[index].utf8)
        return ConfigFile(
            device: device, format: format, revision: Self.archiveRevisions[index], changed: false, size: bytes.count,
            contentBase64: bytes.base64EncodedString())
    }

    func configRestore(_ tenant: String, device: String, request: ConfigRestoreRequest, user: String?)
        async throws(APIError) -> ConfigRestoreAccepted
    {
        _ = try archived(tenant, device)
        return ConfigRestoreAccepted(device: device, format: request.format, source: "file", message: "queued")
    }
}
