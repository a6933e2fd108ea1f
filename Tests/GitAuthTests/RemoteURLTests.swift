import GitSource
import Testing

/// Reading an SSH remote's user, host and port (the port picks the `[host]:port` entry of known_hosts).
@Suite("Git remote URLs")
struct RemoteURLTests {
    static let cases: [(String, String?, String, Int)?] = [
        ("ssh://git@github.com/acme/r.git", "git", "github.com", 22),
        ("ssh://git@127.0.0.1:2222/srv/r.git", "git", "127.0.0.1", 2222),
        ("ssh://[::1]:2200/r.git", nil, "::1", 2200),
        ("git+ssh://deploy@git.example.com/r.git", "deploy", "git.example.com", 22),
        ("git@gitlab.example.com:acme/r.git", "git", "gitlab.example.com", 22),
        ("gitea.example.com:acme/r.git", nil, "gitea.example.com", 22),
    ]

    @Test(arguments: cases.indices)
    func sshEndpoints(_ index: Int) throws {
        let (url, user, host, port) = try #require(Self.cases[index])
        let endpoint = try #require(GitRemoteURL.sshEndpoint(url))
        #expect(endpoint.user == user && endpoint.host == host && endpoint.port == port, "\(url)")
        #expect(GitRemoteURL.isSSH(url))
    }

    @Test(arguments: ["https://github.com/acme/r.git", "file:///srv/r.git", "/srv/repos/r.git", "http://h/r.git"])
    func notSSH(_ url: String) {
        #expect(!GitRemoteURL.isSSH(url))
    }

    @Test func accessDescriptionsNameWhatIsConfiguredNeverTheSecrets() {
        let access = GitRemoteAccess(
            ssh: .init(privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret-key\n", hostKeys: .fingerprints(["SHA256:x"])),
            https: .init(username: "bot", token: "tok-123"), caFile: "/etc/cms/ca.pem")
        let text = "\(access)"
        #expect(!text.contains("secret-key") && !text.contains("tok-123"))
        #expect(text.contains("bot") && text.contains("/etc/cms/ca.pem"))
    }
}
