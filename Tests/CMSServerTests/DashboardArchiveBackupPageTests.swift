import CMSAPI
import Foundation
import Testing

/// The dashboard's config-archive and backup pages over real HTTP, against the fake's ``ConfigArchiveControl`` and
/// ``BackupControl``: history, difference and file of a device's archive; *Pull now*, *Back up now* and *Check a
/// backup* with the CSRF token, recorded with the token's name; a read-only token sees no forms and is refused.
@Suite(.serialized) struct DashboardArchiveBackupPageTests {
    static func loggedIn(_ server: TestServer, token: String) throws -> (DashboardSessionTests.Curl, String, String) {
        let jar = FileManager.default.temporaryDirectory.appendingPathComponent("jar-\(UUID().uuidString)").path
        let curl = DashboardSessionTests.Curl(base: server.base, jar: jar)
        guard try curl("/login", form: ["token": token]).status == 303 else { throw TestFailure("login refused") }
        let csrf = try #require(DashboardSessionTests.csrf(try curl("/").body))
        return (curl, csrf, jar)
    }

    @Test func theArchivePageShowsADevicesHistoryDifferenceAndFileAndPullsWithTheUser() async throws {
        try await TestServer.with { server in
            let (curl, csrf, jar) = try Self.loggedIn(server, token: Tokens.acme)
            defer { try? FileManager.default.removeItem(atPath: jar) }
            let empty = try curl("/archive")
            #expect(empty.status == 200 && empty.body.contains("id=\"archive-form\"") && !empty.body.contains("archive-log"))
            let page = try curl("/archive?device=tokyo-01")
            #expect(page.status == 200)
            // Both archive commits, newest first, each linking to its file.
            let rows = page.body.components(separatedBy: "<tr data-revision=\"").dropFirst().map { String($0.prefix(24)) }
            #expect(rows == FakeControlPlane.archiveRevisions.reversed())
            #expect(page.body.contains("tokyo-01: show-config changed") && page.body.contains("acme-ci"))
            // The last two compared: the removed and the added line coloured.
            #expect(page.body.contains("<span class=\"d-del\">- mtu 1500</span>"))
            #expect(page.body.contains("<span class=\"d-add\">+ mtu 1400</span>"))
            #expect(page.body.contains("<span class=\"d-hunk\">@@ -1,2 +1,2 @@</span>"))
            // One file at a revision; a tgz is not shown as text.
            let file = try curl("/archive?device=tokyo-01&format=show-config&show=\(FakeControlPlane.archiveRevisions[0])")
            #expect(file.body.contains("<pre class=\"file\" id=\"archive-file\">interface ethernet 0\n mtu 1500\n</pre>"))
            let binary = try curl("/archive?device=tokyo-01&format=tgz&show=\(FakeControlPlane.archiveRevisions[1])")
            #expect(binary.body.contains("id=\"archive-binary\"") && !binary.body.contains("id=\"archive-file\""))
            // Nothing archived yet; an unknown device is said on the page.
            #expect(try curl("/archive?device=osaka-02").body.contains("id=\"archive-empty\""))
            let unknown = try curl("/archive?device=nagoya-09")
            #expect(unknown.status == 200 && unknown.body.contains("device-not-found"))
            // The device page links to its archive.
            #expect(try curl("/devices/tokyo-01").body.contains("href=\"/archive?device=tokyo-01\""))
            // Pull now: CSRF checked, recorded with the token's name, back to the page.
            #expect(try curl("/actions/config-pull", form: ["csrf": String(repeating: "0", count: 64), "device": "tokyo-01"])
                .status == 403)
            #expect(try curl("/actions/config-pull", form: ["csrf": csrf, "device": "tokyo-01", "back": "/archive?device=tokyo-01"])
                .status == 303)
            #expect(configPulls.withLock { $0[server.fake.key] } == ["acme tokyo-01 show-config acme-ci"])
            // Japanese labels.
            let japanese = try DashboardSessionTests.runCurl(
                ["-s", "-b", jar, "-H", "Accept-Language: ja", server.base + "/archive?device=tokyo-01"])
            #expect(japanese.contains("設定アーカイブ") && japanese.contains("設定を今すぐ取得"))
        }
    }

    @Test func theBackupPageBacksUpAndChecksWithTheUserAndShowsTheContents() async throws {
        try await TestServer.with { server in
            let (curl, csrf, jar) = try Self.loggedIn(server, token: Tokens.acme)
            defer { try? FileManager.default.removeItem(atPath: jar) }
            let page = try curl("/backups")
            #expect(page.status == 200 && page.body.contains("id=\"backup-form\"") && page.body.contains("id=\"backup-check-form\""))
            #expect(try curl("/actions/backup", form: ["csrf": "forged"]).status == 403)
            // Back up now, with the event log: the fake's answer carries the user it was given.
            let written = try curl("/actions/backup", form: ["csrf": csrf, "events": "on"])
            #expect(written.status == 200)
            #expect(written.body.contains("/var/backups/cms/acme/acme-20261127T010203Z.tgz"))
            #expect(written.body.contains("0.9.0 (for acme-ci)"), "recorded with the token's name")
            #expect(written.body.contains("keys, secrets, state, archive, images, events"))
            #expect(written.body.contains("<code>keys/ssh/id_ed25519</code>"))
            let named = try curl("/actions/backup", form: ["csrf": csrf, "name": "before-upgrade.tgz"])
            #expect(named.body.contains("/var/backups/cms/acme/before-upgrade.tgz") && !named.body.contains("images, events"))
            // A bad name is the server's 400, shown as a page.
            let bad = try curl("/actions/backup", form: ["csrf": csrf, "name": "/etc/passwd"])
            #expect(bad.status == 400 && bad.body.contains("bad-target"))
            // Check a backup: read and verified, nothing restored; another tenant's backup is refused.
            let checked = try curl("/actions/backup-check", form: ["csrf": csrf, "source": "acme-20261127T010203Z.tgz"])
            #expect(checked.status == 200 && checked.body.contains("id=\"backup-result\"") && checked.body.contains("0.9.0 (for acme-ci)"))
            let foreign = try curl("/actions/backup-check", form: ["csrf": csrf, "source": "globex.tgz"])
            #expect(foreign.status == 422 && foreign.body.contains("not-this-tenant"))
            #expect(try curl("/actions/backup-check", form: ["csrf": csrf, "source": " "]).status == 400)
        }
    }

    @Test func aReadOnlyTokenSeesTheArchiveAndBackupsButCannotAct() async throws {
        try await TestServer.with { server in
            let (curl, csrf, jar) = try Self.loggedIn(server, token: Tokens.readOnly)
            defer { try? FileManager.default.removeItem(atPath: jar) }
            let archive = try curl("/archive?device=tokyo-01")
            #expect(archive.status == 200 && archive.body.contains("archive-log") && !archive.body.contains("id=\"config-pull\""))
            let backups = try curl("/backups")
            #expect(backups.status == 200 && !backups.body.contains("id=\"backup-now\""))
            #expect(try curl("/actions/config-pull", form: ["csrf": csrf, "device": "tokyo-01"]).status == 403)
            #expect(try curl("/actions/backup", form: ["csrf": csrf]).status == 403)
            #expect(try curl("/actions/backup-check", form: ["csrf": csrf, "source": "x.tgz"]).status == 403)
            #expect(configPulls.withLock { $0[server.fake.key] } == nil)
            // Without a session: the pages lead to the login, the actions are refused.
            let anonymous = DashboardSessionTests.Curl(base: server.base, jar: jar + "-none")
            #expect(try anonymous("/backups").status == 303 && anonymous("/archive").status == 303)
            #expect(try anonymous("/actions/backup", form: ["csrf": csrf]).status == 401)
        }
    }
}
