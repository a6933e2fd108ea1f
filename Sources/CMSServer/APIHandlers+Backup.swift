import CMSAPI
import Foundation
import Hummingbird

/// `POST /api/v1/tenants/{t}/backup?to=…&events=true` and `POST /api/v1/tenants/{t}/restore?from=…&check=true`
/// (docs/backup.md). The API user (the token's name) is recorded in the `tenant.backup.*` / `tenant.restore.*` events.
extension APIHandlers {
    func registerBackup(on router: Router<Context>) {
        let prefix = CMSServerInfo.apiPrefix
        router.post("\(prefix)/tenants/:tenant/backup") { request, context in
            let scope = try await scope(request, context, allowed: ["to", "events"])
            let control = try backupControl()
            let target = try scope.query.single("to")
            let events = try scope.query.bool("events") ?? false
            return APIResponses.json(
                try await control.backup(scope.tenant, to: target, includeEvents: events, user: scope.grant.name))
        }
        router.post("\(prefix)/tenants/:tenant/restore") { request, context in
            let scope = try await scope(request, context, allowed: ["from", "check"])
            let control = try backupControl()
            guard let source = try scope.query.single("from"), !source.isEmpty else {
                throw APIError.badQuery("from: give the backup file name or ssh:// URL")
            }
            let check = try scope.query.bool("check") ?? false
            return APIResponses.json(
                try await control.restore(scope.tenant, from: source, checkOnly: check, user: scope.grant.name))
        }
    }

    private func backupControl() throws(APIError) -> any BackupControl {
        guard let control = controlPlane as? any BackupControl else {
            throw APIError(status: 501, code: "not-implemented", message: "this server does not offer tenant backups")
        }
        return control
    }
}
