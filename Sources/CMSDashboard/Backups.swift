import CMSAPI
import CMSModel
import Foundation
import Hummingbird

extension Dashboard {
    /// Tenant backups (issue 15, docs/backup.md) through ``BackupControl``: *Back up now* (into the tenant's backup
    /// folder, optionally with the event log) and *Check a backup* (its manifest read and verified, nothing
    /// changed), each recorded with the user; the tenant's recent backup and restore events. Restoring a tenant
    /// replaces its state and stays with `cms restore` and the API.
    func backupsPage(
        _ request: Request, _ session: DashboardSession, result: [String: Any]? = nil
    ) async throws -> Response {
        var values: [String: Any] = ["live": false]
        if !(controlPlane is any BackupControl) { values["unavailable"] = true }
        if let result { values["result"] = result }
        let recent = try await controlPlane.events(EventQuery(tenant: session.tenant, order: .descending, limit: 1000))
        values["events"] = recent.filter { Self.backupEventTypes.contains($0.type) }.prefix(50).map(Self.eventRow)
        return await render("backups", request, session, active: "backups", values)
    }

    static let backupEventTypes: Set<EventType> = [
        .tenantBackupStarted, .tenantBackupSucceeded, .tenantBackupFailed,
        .tenantRestoreStarted, .tenantRestoreSucceeded, .tenantRestoreFailed,
    ]

    /// `POST /actions/backup`: writes a backup now and shows what it holds.
    func backupNow(_ request: Request, _ session: DashboardSession, _ form: [String: String]) async throws -> Response {
        guard let control = controlPlane as? any BackupControl else { throw Self.unavailable("backups") }
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
        let result = try await control.backup(
            session.tenant, to: name.isEmpty ? nil : name, includeEvents: form["events"] == "on",
            user: session.user.name)
        return try await backupsPage(
            request, session,
            result: [
                "written": true, "location": result.location, "size": result.size,
                "seconds": String(format: "%.2f", result.seconds), "contents": Self.contentsRow(result.contents),
            ])
    }

    /// `POST /actions/backup-check`: reads a backup and checks it against this tenant, changing nothing.
    func backupCheck(_ request: Request, _ session: DashboardSession, _ form: [String: String]) async throws -> Response {
        guard let control = controlPlane as? any BackupControl else { throw Self.unavailable("backups") }
        let source = (form["source"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !source.isEmpty else {
            throw APIError(status: 400, code: "bad-request", message: "give the backup to check (a file name or ssh:// URL)")
        }
        let result = try await control.restore(session.tenant, from: source, checkOnly: true, user: session.user.name)
        return try await backupsPage(
            request, session,
            result: ["checked": true, "location": result.location, "contents": Self.contentsRow(result.contents)])
    }

    static func contentsRow(_ contents: BackupContents) -> [String: Any] {
        [
            "tenant": contents.tenant, "created": contents.created, "cmsd": contents.cmsd,
            "revision": contents.revision.map { String($0.prefix(10)) } ?? "—", "parts": contents.parts.joined(separator: ", "),
            "devices": contents.devices, "groups": contents.groups,
            "members": contents.members.map {
                ["name": $0.name, "size": $0.size, "sha256": String($0.sha256.prefix(16)), "sealed": $0.sealed]
                    as [String: Any]
            },
        ]
    }
}
