import CMSDaemon
import CMSModel
import Foundation
import Testing

/// The `backup:` section of a tenant in `cmsd.yaml` (docs/backup.md "Settings"): every field read, relative paths
/// resolved against the file's folder, and bad input refused with the file, line and field named.
@Suite struct BackupConfigurationTests {
    static func tenant(_ backup: String) -> String {
        "tenants:\n  - code: century\n    repo: /srv/century\n    backup:\n" + backup
    }

    @Test func everyFieldIsReadAndRelativePathsResolve() throws {
        let configuration = try DaemonConfiguration.parse(
            Self.tenant(
                """
                      key: {env: CMS_CENTURY_BACKUP_KEY}
                      folder: backups/century
                      ssh:
                        privateKey: {file: /etc/cms/backup_ed25519}
                        passphrase: {env: CMS_CENTURY_BACKUP_PASSPHRASE}
                        knownHosts: keys/known_hosts

                """), file: "cmsd.yaml", relativeTo: "/srv")
        let backup = try #require(configuration.tenants.first?.backup)
        #expect(backup.key == .env("CMS_CENTURY_BACKUP_KEY"))
        #expect(backup.folder == "/srv/backups/century")
        #expect(backup.ssh?.privateKey == .file("/etc/cms/backup_ed25519"))
        #expect(backup.ssh?.passphrase == .env("CMS_CENTURY_BACKUP_PASSPHRASE"))
        #expect(backup.ssh?.knownHosts == "/srv/keys/known_hosts")
        #expect(backup.ssh?.password == nil && backup.ssh?.hostKey == nil)

        let pinned = try DaemonConfiguration.parse(
            Self.tenant(
                """
                      key: {file: /etc/cms/century-backup.key}
                      ssh: {password: {env: CMS_CENTURY_BACKUP_SSH_PASSWORD}, hostKey: "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"}

                """), file: "cmsd.yaml", relativeTo: "/srv")
        let ssh = try #require(pinned.tenants.first?.backup?.ssh)
        #expect(pinned.tenants.first?.backup?.key == .file("/etc/cms/century-backup.key"))
        #expect(pinned.tenants.first?.backup?.folder == nil, "default <data>/backups/<code>")
        #expect(ssh.password == .env("CMS_CENTURY_BACKUP_SSH_PASSWORD"))
        #expect(ssh.hostKey == "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s")
    }

    @Test func aTenantWithoutTheSectionHasNoBackupSettings() throws {
        let configuration = try DaemonConfiguration.parse(
            "tenants: [{code: century, repo: /srv/century}]", file: "cmsd.yaml", relativeTo: "/srv")
        #expect(configuration.tenants.first?.backup == nil)
    }

    @Test(arguments: [
        ("      keys: {env: CMS_CENTURY_BACKUP_KEY}\n", "tenants[0].backup.keys", "unknown key"),
        ("      key: my-passphrase-in-clear\n", "tenants[0].backup.key", "never the secret itself"),
        ("      key: {env: A, file: b}\n", "tenants[0].backup.key", "exactly one"),
        ("      folder: [a, b]\n", "tenants[0].backup.folder", "text value"),
        ("      ssh: {hostKey: \"SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s\"}\n", "tenants[0].backup.ssh",
         "exactly one of password or privateKey"),
        ("      ssh:\n        password: {env: P}\n        privateKey: {file: /k}\n        knownHosts: /kh\n",
         "tenants[0].backup.ssh", "exactly one of password or privateKey"),
        ("      ssh: {password: {env: P}}\n", "tenants[0].backup.ssh", "pin the server"),
        ("      ssh: {password: {env: P}, hostKey: \"SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s\", knownHosts: /kh}\n",
         "tenants[0].backup.ssh", "pin the server"),
        ("      ssh: {password: {env: P}, hostKey: \"ab:cd:ef\"}\n", "tenants[0].backup.ssh.hostKey", "SHA256:"),
        ("      ssh: {password: {env: P}, knownHosts: /kh, user: backup}\n", "tenants[0].backup.ssh.user", "unknown key"),
        ("      ssh: {password: secret-in-clear, knownHosts: /kh}\n", "tenants[0].backup.ssh.password", "never the secret itself"),
    ] as [(String, String, String)])
    func badInputIsAClearErrorNamingTheField(text: String, field: String, phrase: String) {
        #expect {
            try DaemonConfiguration.parse(Self.tenant(text), file: "cmsd.yaml", relativeTo: "/srv")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            let ok = error.file == "cmsd.yaml" && error.line != nil && error.field == field
                && error.message.contains(phrase) && error.description.hasPrefix("cmsd.yaml")
            if !ok { Issue.record("got \(error.description) (field \(error.field))") }
            return ok
        }
    }

    @Test func theErrorNeverShowsASecretWrittenInClear() {
        #expect {
            try DaemonConfiguration.parse(
                Self.tenant("      key: Canary-Backup-Passphrase-91\n"), file: "cmsd.yaml", relativeTo: "/srv")
        } throws: { error in
            !"\(error)".contains("Canary-Backup-Passphrase-91")
        }
    }
}
