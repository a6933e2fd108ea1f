import CMSDaemon
import Foundation
import Testing

@Suite(.tags(.core)) struct DaemonConfigurationTests {
    @Test func aFullFileSetsEveryFieldAndResolvesRelativePaths() throws {
        let text = """
            dataFolder: state
            listen: {crp: "127.0.0.1:20625", api: "[::1]:9000"}
            limits: {maxDevices: 500, concurrency: 8}
            timing: {retryBase: 250ms, retryCap: 5m, confirmTimeout: 30s, connectTimeout: 2s, rpcTimeout: 1h}
            apiTokens: [{name: admin, secret: {env: CMS_TEST_ADMIN}}]
            tenants:
              - code: century
                repo: {url: ../repos/century, branch: prod, path: cms}
                pollInterval: 2s
                keyType: rsa
                username: admin
                driftInterval: 1.5s
                pruneMaxFraction: 0.5
                apiTokens: [{name: ci, secret: {file: century.token}}]
                ipsecSecret: {env: CMS_IPSEC}
              - code: other
                repo: https://git.example.com/other.git
            """
        let configuration = try DaemonConfiguration.parse(text, file: "/etc/cms/cmsd.yaml", relativeTo: "/etc/cms")
        #expect(configuration.dataFolder == "/etc/cms/state")
        #expect(configuration.crpListen == HostPort(host: "127.0.0.1", port: 20625))
        #expect(configuration.apiListen == HostPort(host: "::1", port: 9000))
        #expect(configuration.limits == DaemonLimits(maxDevices: 500, concurrency: 8))
        #expect(configuration.timing.retryBase == .milliseconds(250))
        #expect(configuration.timing.retryCap == .seconds(300))
        #expect(configuration.timing.rpcTimeout == .seconds(3600))
        #expect(configuration.apiTokens.map(\.name) == ["admin"])
        #expect(configuration.tenants.count == 2)
        let century = configuration.tenants[0]
        #expect(century.code == "century")
        #expect(century.repository.url == "/etc/repos/century")
        #expect(century.repository.branch == "prod")
        #expect(century.repository.subfolder == "cms")
        #expect(century.pollInterval == .seconds(2))
        #expect(century.keyType == .rsa)
        #expect(century.username == "admin")
        #expect(century.driftInterval == .milliseconds(1500))
        #expect(century.pruneMaxFraction == 0.5)
        #expect(century.apiTokens.first?.secret == .file("/etc/cms/century.token"))
        #expect(century.ipsecSecret == .env("CMS_IPSEC"))
        let other = configuration.tenants[1]
        #expect(other.repository.url == "https://git.example.com/other.git")
        #expect(other.repository.branch == "main")
        #expect(other.keyType == .ed25519)
        #expect(other.pollInterval == .seconds(60))
    }

    @Test func aMinimalFileGetsTheDocumentedDefaults() throws {
        let configuration = try DaemonConfiguration.parse(
            "tenants: [{code: t1, repo: /srv/t1}]", file: "c.yaml", relativeTo: "/srv")
        #expect(configuration.dataFolder == "/srv/data")
        #expect(configuration.crpListen.description == "0.0.0.0:10625")
        #expect(configuration.apiListen.description == "127.0.0.1:8610")
        #expect(configuration.limits == DaemonLimits())
    }

    @Test(arguments: [
        ("tenants: []", 1, "tenants", "non-empty"),
        ("dataFolder: x\n", 1, "tenants", "missing"),
        ("tenants:\n  - code: a\n    repo: /r\n    pollIntervall: 5s\n", 4, "tenants[0].pollIntervall", "unknown key"),
        ("tenants:\n  - code: a\n    repo: /r\n    pollInterval: soon\n", 4, "tenants[0].pollInterval", "not a duration"),
        ("listen:\n  api: localhost\ntenants: [{code: a, repo: /r}]\n", 2, "listen.api", "host:port"),
        ("tenants:\n  - code: a\n    repo: /r\n    keyType: dsa\n", 4, "tenants[0].keyType", "ed25519"),
        ("tenants:\n  - code: a\n    repo: /r\n  - code: a\n    repo: /s\n", 4, "tenants[1].code", "twice"),
        ("tenants:\n  - code: a\n", 2, "tenants[0].repo", "missing"),
        ("tenants:\n  - code: a\n    repo: /r\n    ipsecSecret: {env: A, file: b}\n", 4, "tenants[0].ipsecSecret", "exactly one"),
        ("tenants:\n  - code: a\n    repo: /r\n    pruneMaxFraction: 2\n", 4, "tenants[0].pruneMaxFraction", "between 0 and 1"),
        ("limits:\n  concurrency: 0\ntenants: [{code: a, repo: /r}]\n", 2, "limits.concurrency", "whole number"),
        ("tenants:\n  - code: a\n    repo: {url: /r, path: ../x}\n", 3, "tenants[0].repo.path", "relative folder"),
    ] as [(String, Int?, String, String)])
    func aBadFileIsRefusedNamingLineAndField(text: String, line: Int?, field: String, phrase: String) {
        #expect {
            try DaemonConfiguration.parse(text, file: "cmsd.yaml", relativeTo: "/")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.file == "cmsd.yaml" && error.line == line && error.field == field
                && error.message.contains(phrase) && error.description.hasPrefix("cmsd.yaml")
        }
    }

    @Test func brokenYAMLNamesItsLine() {
        #expect {
            try DaemonConfiguration.parse("tenants:\n  - code: [a\n", file: "cmsd.yaml", relativeTo: "/")
        } throws: { error in
            (error as? ConfigurationError)?.line != nil
        }
    }

    @Test func theEmbeddedDefaultReadsTheTenantCodeAndFindsTheEnclosingRepository() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/repo/.git", withIntermediateDirectories: true)
        try "ref: refs/heads/trunk\n".write(toFile: root + "/repo/.git/HEAD", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: root + "/repo/tenants/acme", withIntermediateDirectories: true)
        try "apiVersion: cms/v1\nkind: Tenant\ncode: acme\n".write(
            toFile: root + "/repo/tenants/acme/tenant.yaml", atomically: true, encoding: .utf8)
        let configuration = try DaemonConfiguration.embedded(
            tenantRepository: root + "/repo/tenants/acme", dataFolder: root + "/data")
        let tenant = try #require(configuration.tenants.first)
        #expect(tenant.code == "acme")
        #expect(tenant.repository.url == root + "/repo")
        #expect(tenant.repository.subfolder == "tenants/acme")
        #expect(tenant.repository.branch == "trunk")
        #expect(configuration.dataFolder == root + "/data")
    }

    @Test func theEmbeddedDefaultWithoutATenantFileSaysWhatIsWrong() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(throws: ConfigurationError.self) { try DaemonConfiguration.embedded(tenantRepository: root) }
    }

    @Test func aTenantWithoutTokensGetsAGeneratedPrivateTokenThatStaysTheSame() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let configuration = DaemonConfiguration(
            dataFolder: root, tenants: [TenantConfiguration(code: "acme", repository: .init(url: "/nowhere"))])
        let first = try APITokenResolver.resolve(configuration)
        #expect(first.count == 1)
        #expect(first[0].tenants == ["acme"])
        #expect(first[0].token.count == 64)
        let path = root + "/tenants/acme/api.token"
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let second = try APITokenResolver.resolve(configuration)
        #expect(second[0].token == first[0].token)
    }

    @Test func aTokenFromAMissingVariableIsAnErrorThatDoesNotShowSecrets() throws {
        let configuration = DaemonConfiguration(
            dataFolder: "/nonexistent", apiTokens: [.init(name: "admin", secret: .env("CMS_TEST_SURELY_UNSET_42"))],
            tenants: [])
        #expect {
            try APITokenResolver.resolve(configuration)
        } throws: { error in
            (error as? ConfigurationError)?.field == "apiTokens[0].secret"
        }
    }

    private func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "cmsd-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return (path as NSString).resolvingSymlinksInPath
    }
}
