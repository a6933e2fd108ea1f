import CMSAPI
import Foundation
import Testing

/// `POST …/backup` and `POST …/restore` over real HTTP (the same token rules as every tenant route; the query
/// checked), and `cms tenant backup|restore` through them. The daemon's side is proven in CMSDaemonTests
/// (BackupRoundTripTests, BackupCrashTests).
@Suite struct BackupRouteTests {
    @Test func aBackupPassesTargetEventsAndTheAPIUser() async throws {
        try await TestServer.with { server in
            let response = try await server.request(
                "POST", "/api/v1/tenants/acme/backup?to=nightly.tgz&events=true", token: Tokens.acme)
            #expect(response.status == 200)
            let result = try response.decode(BackupResult.self)
            #expect(result.location == "/var/backups/cms/acme/nightly.tgz")
            #expect(result.contents.parts.last == "events")
            #expect(result.contents.cmsd.hasSuffix("(for acme-ci)"), "the token's name reaches the control plane")
            let plain = try await server.request("POST", "/api/v1/tenants/acme/backup", token: Tokens.acme)
            #expect(plain.status == 200)
            #expect(try plain.decode(BackupResult.self).contents.parts.contains("events") == false)
        }
    }

    @Test(arguments: ["/api/v1/tenants/acme/backup", "/api/v1/tenants/acme/restore?from=a.tgz"])
    func theRoutesNeedATokenForTheTenant(_ path: String) async throws {
        try await TestServer.with { server in
            let missing = try await server.request("POST", path)
            #expect(missing.status == 401)
            let other = try await server.request("POST", path, token: Tokens.globex)
            #expect(other.status == 403)
            let every = try await server.request("POST", path, token: Tokens.ops)
            #expect(every.status == 200, "a token for every tenant")
        }
    }

    @Test func badQueriesAre400NamingTheParameter() async throws {
        try await TestServer.with { server in
            let unknown = try await server.request("POST", "/api/v1/tenants/acme/backup?target=x.tgz", token: Tokens.acme)
            #expect(unknown.status == 400)
            #expect(try unknown.apiError().message.contains("target"))
            let events = try await server.request("POST", "/api/v1/tenants/acme/backup?events=maybe", token: Tokens.acme)
            #expect(events.status == 400)
            #expect(try events.apiError().message.contains("events"))
            let noSource = try await server.request("POST", "/api/v1/tenants/acme/restore", token: Tokens.acme)
            #expect(noSource.status == 400)
            #expect(try noSource.apiError().message.contains("from: give the backup file name or ssh:// URL"))
            let check = try await server.request(
                "POST", "/api/v1/tenants/acme/restore?from=a.tgz&check=perhaps", token: Tokens.acme)
            #expect(check.status == 400)
        }
    }

    @Test func restoreErrorsKeepTheirStatusAndCode() async throws {
        try await TestServer.with { server in
            let missing = try await server.request("POST", "/api/v1/tenants/acme/restore?from=missing.tgz", token: Tokens.acme)
            #expect(missing.status == 404)
            #expect(try missing.apiError().code == "file-missing")
            let other = try await server.request("POST", "/api/v1/tenants/acme/restore?from=globex.tgz", token: Tokens.acme)
            #expect(other.status == 422)
            #expect(try other.apiError().code == "not-this-tenant")
            let check = try await server.request(
                "POST", "/api/v1/tenants/acme/restore?from=good.tgz&check=true", token: Tokens.acme)
            let result = try check.decode(RestoreResult.self)
            #expect(result.checkOnly && !result.restored)
        }
    }

    @Test func theCLIBacksUpChecksAndRestores() async throws {
        try await TestServer.with { server in
            let backup = try await CLI.run(
                ["tenant", "backup", "--to", "nightly.tgz", "--include-events"] + CLITests.options(server))
            #expect(backup.status == 0, "\(backup.stderr)")
            try Golden.check(backup.stdout, "tenant-backup.txt")
            let check = try await CLI.run(["tenant", "restore", "nightly.tgz", "--check"] + CLITests.options(server))
            #expect(check.status == 0, "\(check.stderr)")
            try Golden.check(check.stdout, "tenant-restore-check.txt")
            let restore = try await CLI.run(["tenant", "restore", "nightly.tgz"] + CLITests.options(server))
            #expect(restore.status == 0, "\(restore.stderr)")
            #expect(restore.stdout.hasPrefix("tenant acme restored from nightly.tgz; its devices reconnect and reconcile\n"))
        }
    }

    @Test func theCLIShowsTheServersRefusalWithStatusTwo() async throws {
        try await TestServer.with { server in
            let missing = try await CLI.run(["tenant", "restore", "missing.tgz"] + CLITests.options(server))
            #expect(missing.status == 2)
            #expect(missing.stdout.isEmpty)
            #expect(missing.stderr == "error: file missing: /var/backups/cms/acme/missing.tgz\n")
            let bad = try await CLI.run(["tenant", "backup", "--to", "/etc/passwd"] + CLITests.options(server))
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("a backup name is a file name inside the backup folder"))
        }
    }
}
