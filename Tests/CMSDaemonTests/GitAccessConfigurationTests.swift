import CMSDaemon
import CMSModel
import Testing

/// `repo.ssh`, `repo.https` and `webhook` of cmsd.yaml: what is accepted, and every refusal naming its field.
@Suite("cmsd.yaml: private repositories and webhooks")
struct GitAccessConfigurationTests {
    static func parse(_ repo: String, extra: String = "") throws(ConfigurationError) -> DaemonConfiguration {
        let text = """
            tenants:
              - code: century
            \(extra)    repo:
            \(repo)
            """
        return try DaemonConfiguration.parse(text, file: "cmsd.yaml", relativeTo: "/etc/cms")
    }

    @Test func anSSHDeployKeyWithAPinnedHostKeyIsAccepted() throws {
        let configuration = try Self.parse(
            """
                  url: git@github.com:acme/r.git
                  ssh: {hostKey: "SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU", privateKey: {file: keys/deploy}}
            """, extra: "    webhook: {secret: {env: CMS_CENTURY_HOOK}, maxBodyBytes: 65536}\n")
        let tenant = try #require(configuration.tenants.first)
        let ssh = try #require(tenant.gitAccess?.ssh)
        #expect(ssh.hostKeys == ["SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU"])
        #expect(ssh.privateKey == .file("/etc/cms/keys/deploy"))
        #expect(tenant.webhook == WebhookConfiguration(secret: .env("CMS_CENTURY_HOOK"), maxBodyBytes: 65536))
    }

    @Test func anHTTPSTokenWithACAFileIsAccepted() throws {
        let configuration = try Self.parse(
            """
                  url: https://git.example.com/acme/r.git
                  https: {username: oauth2, token: {env: CMS_CENTURY_GIT_TOKEN}, caFile: ca.pem}
            """)
        let https = try #require(configuration.tenants.first?.gitAccess?.https)
        #expect(https.username == "oauth2" && https.token == .env("CMS_CENTURY_GIT_TOKEN") && https.caFile == "/etc/cms/ca.pem")
    }

    static let refusals: [(String, String, String)] = [
        ("an SSH URL without a pin", "      url: ssh://git@host/r.git\n      branch: main", "tenants[0].repo"),
        ("a plain SSH URL", "      url: git@host:r.git", "tenants[0].repo"),
        ("both pins", "      url: ssh://git@host/r.git\n      ssh: {hostKey: \"SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU\", knownHosts: kh}", "tenants[0].repo.ssh"),
        ("a fingerprint that is not SHA256", "      url: ssh://git@host/r.git\n      ssh: {hostKey: \"MD5:aa:bb\"}", "tenants[0].repo.ssh.hostKey"),
        ("ssh on an https URL", "      url: https://host/r.git\n      ssh: {knownHosts: kh}", "tenants[0].repo.ssh"),
        ("a token over http", "      url: http://host/r.git\n      https: {token: {env: T}}", "tenants[0].repo.https"),
        ("a token as a value", "      url: https://host/r.git\n      https: {token: s3cr3t}", "tenants[0].repo.https.token"),
        ("a password in the URL", "      url: https://bot:s3cr3t@host/r.git", "tenants[0].repo.url"),
        ("an unknown key", "      url: https://host/r.git\n      https: {tokn: {env: T}}", "tenants[0].repo.https.tokn"),
    ]

    @Test(arguments: refusals.indices)
    func refusedNamingItsField(_ index: Int) {
        let (name, repo, field) = Self.refusals[index]
        do {
            _ = try Self.parse(repo)
            Issue.record("\(name): accepted")
        } catch {
            #expect(error.field == field, "\(name): \(error)")
            #expect(!error.description.contains("s3cr3t"), "\(name)")
        }
    }

    @Test func aWebhookWithoutASecretIsRefused() {
        #expect(throws: ConfigurationError.self) {
            try Self.parse("      url: https://host/r.git", extra: "    webhook: {maxBodyBytes: 4096}\n")
        }
    }
}
