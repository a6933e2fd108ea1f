import CMSAPI
import CMSModel

/// The fake's backup side: answers reflect what crossed the seam (target, events, check, the API user), and a few
/// sources fail the way the daemon's restore does (docs/backup.md "Errors").
extension FakeControlPlane: BackupControl {
    static func contents(_ tenant: String, user: String?, events: Bool) -> BackupContents {
        BackupContents(
            format: 1, cmsd: "0.9.0 (for \(user ?? "-"))", tenant: tenant, created: "2026-11-27T01:02:03Z",
            revision: "4f2a9c1e", parts: ["keys", "secrets", "state", "archive", "images"] + (events ? ["events"] : []),
            devices: 4, groups: 1,
            members: [
                BackupMemberSummary(
                    name: "keys/ssh/id_ed25519", size: 464,
                    sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", sealed: true),
                BackupMemberSummary(
                    name: "state/state.sqlite", size: 24_576,
                    sha256: "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752", sealed: false),
            ])
    }

    func backup(_ tenant: String, to target: String?, includeEvents: Bool, user: String?) async throws(APIError)
        -> BackupResult
    {
        guard tenant == "acme" || tenant == "globex" else { throw APIError.notFound("tenant", tenant) }
        if target == "/etc/passwd" {
            throw APIError(status: 400, code: "bad-target", message: "a backup name is a file name inside the backup folder")
        }
        return BackupResult(
            location: "/var/backups/cms/\(tenant)/" + (target ?? "\(tenant)-20261127T010203Z.tgz"), size: 31_337,
            seconds: 0.42, contents: Self.contents(tenant, user: user, events: includeEvents))
    }

    func restore(_ tenant: String, from source: String, checkOnly: Bool, user: String?) async throws(APIError)
        -> RestoreResult
    {
        guard tenant == "acme" || tenant == "globex" else { throw APIError.notFound("tenant", tenant) }
        switch source {
        case "missing.tgz":
            throw APIError(status: 404, code: "file-missing", message: "file missing: /var/backups/cms/acme/missing.tgz")
        case "globex.tgz":
            throw APIError(status: 422, code: "not-this-tenant", message: "not this tenant's backup: it is globex's, not acme's")
        default:
            return RestoreResult(
                location: source, checkOnly: checkOnly, restored: !checkOnly,
                contents: Self.contents(tenant, user: user, events: false))
        }
    }
}
