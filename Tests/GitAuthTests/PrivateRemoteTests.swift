import Foundation
import GitSource
import TestSupport
import Testing

extension Tag {
    /// Real peers over loopback sockets (sshd + git-shell, git http-backend behind TLS).
    @Tag static var peer: Self
}

/// The libgit2 mirror against real private git servers on loopback: OpenSSH `sshd` with `git-shell`, and
/// `git http-backend` behind TLS with a certificate from a CA the test makes. Each test clones, then fetches a
/// commit pushed meanwhile — or proves the refusal is reported for what it is.
@Suite("Private git remotes (sshd + git-shell, HTTPS + token)", .tags(.peer), .serialized)
struct PrivateRemoteTests {
    static let files = ["tenant.yaml": "code: acme\n"]

    /// A mirror folder that does not exist yet (the first open clones).
    static func mirrorPath() throws -> String {
        try GitPeers.folder("cms-mirror").appendingPathComponent("mirror.git").path
    }

    static func failure(_ body: () throws -> Void) -> GitSourceError? {
        do {
            try body()
            return nil
        } catch let error as GitSourceError {
            return error
        } catch {
            Issue.record("not a GitSourceError: \(error)")
            return nil
        }
    }

    static func reason(_ error: GitSourceError?) -> GitAccessFailure.Reason? {
        if case .accessDenied(_, let failure)? = error { return failure.reason }
        return nil
    }

    // MARK: - SSH

    struct SSHFixture {
        let server: GitSSHServer
        let bare: URL
        let work: URL
        let key: (privateKey: String, publicKey: String)
        let scratch: URL

        init(authorizeKey: Bool = true) throws {
            server = try GitSSHServer()
            scratch = try GitPeers.folder("cms-git-keys")
            (bare, work) = try GitPeers.bareRepository(named: "acme", under: server.root, files: PrivateRemoteTests.files)
            key = try GitPeers.keyPair(in: scratch, name: "deploy")
            if authorizeKey { try server.authorize(key.publicKey) }
        }

        func access(_ pin: GitRemoteAccess.HostKeyPin, key: (privateKey: String, publicKey: String)? = nil)
            -> GitRemoteAccess
        {
            let key = key ?? self.key
            return GitRemoteAccess(ssh: .init(privateKey: key.privateKey, publicKey: key.publicKey, hostKeys: pin))
        }

        func stop() {
            server.stop()
            try? FileManager.default.removeItem(at: scratch)
        }
    }

    @Test func aDeployKeyWithAPinnedHostKeyClonesAndFollowsNewCommits() throws {
        let fixture = try SSHFixture()
        defer { fixture.stop() }
        let url = fixture.server.url(fixture.bare)
        let access = fixture.access(.fingerprints([fixture.server.hostKeyFingerprint]))
        let mirror = try GitMirror.open(url: url, at: try Self.mirrorPath(), access: access)
        let first = try GitPeers.git(["rev-parse", "HEAD"], in: fixture.work)
        #expect(try mirror.tip(of: "main") == first)
        let second = try GitPeers.push(["devices/r1.yaml": "code: r1\n"], in: fixture.work, message: "add r1")
        try mirror.fetch(access: access)
        #expect(try mirror.tip(of: "main") == second)
        #expect(fixture.server.log().contains("Accepted publickey for \(GitSSHServer.user)"))
    }

    @Test func aHashedKnownHostsFilePinsTheServer() throws {
        let fixture = try SSHFixture()
        defer { fixture.stop() }
        let knownHosts = try fixture.server.knownHostsFile(in: fixture.scratch, hashed: true)
        #expect(try !String(contentsOfFile: knownHosts, encoding: .utf8).contains("127.0.0.1"))
        let mirror = try GitMirror.open(
            url: fixture.server.url(fixture.bare), at: try Self.mirrorPath(), access: fixture.access(.knownHosts(knownHosts)))
        #expect(try mirror.tip(of: "main") == GitPeers.git(["rev-parse", "HEAD"], in: fixture.work))
    }

    @Test func aWrongHostKeyPinIsRefusedBeforeAnyKeyIsOffered() throws {
        let fixture = try SSHFixture()
        defer { fixture.stop() }
        let other = "SHA256:" + String(repeating: "A", count: 43)
        let error = Self.failure {
            _ = try GitMirror.open(
                url: fixture.server.url(fixture.bare), at: try Self.mirrorPath(), access: fixture.access(.fingerprints([other])))
        }
        #expect(Self.reason(error) == .hostKeyMismatch)
        #expect("\(error.map { "\($0)" } ?? "")".contains(fixture.server.hostKeyFingerprint))
        // Refused after the key exchange, before authentication: sshd never saw a key.
        #expect(!fixture.server.log().contains("publickey"))
    }

    @Test func aServerMissingFromKnownHostsIsUnknownAndAChangedKeyIsAMismatch() throws {
        let fixture = try SSHFixture()
        defer { fixture.stop() }
        let elsewhere = fixture.scratch.appendingPathComponent("known_hosts-other").path
        try "[127.0.0.1]:1 \(fixture.server.hostKeyLine)\n".write(toFile: elsewhere, atomically: true, encoding: .utf8)
        let unknown = Self.failure {
            _ = try GitMirror.open(
                url: fixture.server.url(fixture.bare), at: try Self.mirrorPath(), access: fixture.access(.knownHosts(elsewhere)))
        }
        #expect(Self.reason(unknown) == .hostKeyUnknown)
        let impostor = try GitPeers.keyPair(in: fixture.scratch, name: "impostor-host").publicKey
        let changed = fixture.scratch.appendingPathComponent("known_hosts-changed").path
        let fields = impostor.split(separator: " ")
        try "[127.0.0.1]:\(fixture.server.port) \(fields[0]) \(fields[1])\n".write(
            toFile: changed, atomically: true, encoding: .utf8)
        let mismatch = Self.failure {
            _ = try GitMirror.open(
                url: fixture.server.url(fixture.bare), at: try Self.mirrorPath(), access: fixture.access(.knownHosts(changed)))
        }
        #expect(Self.reason(mismatch) == .hostKeyMismatch)
    }

    @Test func aKeyTheServerDoesNotKnowIsAnAuthenticationFailureNamingTheDeployKey() throws {
        let fixture = try SSHFixture(authorizeKey: false)
        defer { fixture.stop() }
        let path = try Self.mirrorPath()
        let error = Self.failure {
            _ = try GitMirror.open(
                url: fixture.server.url(fixture.bare), at: path,
                access: fixture.access(.fingerprints([fixture.server.hostKeyFingerprint])))
        }
        #expect(Self.reason(error) == .authenticationFailed)
        #expect("\(error.map { "\($0)" } ?? "")".contains("deploy key"))
        // A failed clone leaves nothing behind.
        #expect(!FileManager.default.fileExists(atPath: path))
        let listing = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
        #expect(listing.isEmpty)
    }

    @Test func anSSHRemoteWithoutCredentialsSaysWhatToConfigure() throws {
        let fixture = try SSHFixture()
        defer { fixture.stop() }
        let error = Self.failure {
            _ = try GitMirror.open(url: fixture.server.url(fixture.bare), at: try Self.mirrorPath(), access: nil)
        }
        // Without any access the host key cannot be pinned either: refused before credentials are asked.
        #expect(Self.reason(error) == .hostKeyUnknown)
    }

    // MARK: - HTTPS

    static let token = "tok-" + UUID().uuidString

    struct HTTPSFixture {
        let server: GitHTTPSServer
        let bare: URL
        let work: URL
        var url: String { server.url(bare) }

        init() throws {
            server = try GitHTTPSServer(username: "x-access-token", token: PrivateRemoteTests.token)
            (bare, work) = try GitPeers.bareRepository(named: "acme", under: server.root, files: PrivateRemoteTests.files)
        }

        func stop() { server.stop() }
    }

    @Test func aTokenOverHTTPSWithThePrivateCAClonesAndFollowsNewCommits() throws {
        let fixture = try HTTPSFixture()
        defer { fixture.stop() }
        let access = GitRemoteAccess(
            https: .init(username: "x-access-token", token: Self.token), caFile: fixture.server.ca.caFile)
        let mirror = try GitMirror.open(url: fixture.url, at: try Self.mirrorPath(), access: access)
        #expect(try mirror.tip(of: "main") == GitPeers.git(["rev-parse", "HEAD"], in: fixture.work))
        let second = try GitPeers.push(["devices/r1.yaml": "code: r1\n"], in: fixture.work, message: "add r1")
        try mirror.fetch(access: access)
        #expect(try mirror.tip(of: "main") == second)
    }

    @Test func aWrongTokenIsAnAuthenticationFailureThatNeverShowsTheToken() throws {
        let fixture = try HTTPSFixture()
        defer { fixture.stop() }
        let wrong = "wrong-" + UUID().uuidString
        let error = Self.failure {
            _ = try GitMirror.open(
                url: fixture.url, at: try Self.mirrorPath(),
                access: GitRemoteAccess(https: .init(username: "x-access-token", token: wrong), caFile: fixture.server.ca.caFile))
        }
        #expect(Self.reason(error) == .authenticationFailed)
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("token"))
        #expect(!text.contains(wrong))
    }

    @Test func noTokenIsCredentialsUnavailable() throws {
        let fixture = try HTTPSFixture()
        defer { fixture.stop() }
        let error = Self.failure {
            _ = try GitMirror.open(
                url: fixture.url, at: try Self.mirrorPath(), access: GitRemoteAccess(caFile: fixture.server.ca.caFile))
        }
        #expect(Self.reason(error) == .credentialsUnavailable)
    }

    @Test func aCertificateOfAnUntrustedCAIsRefusedWithAndWithoutACAFile() throws {
        let fixture = try HTTPSFixture()
        defer { fixture.stop() }
        let https = GitRemoteAccess.HTTPS(username: "x-access-token", token: Self.token)
        // The system's CAs do not know the test CA.
        let untrusted = Self.failure {
            _ = try GitMirror.open(url: fixture.url, at: try Self.mirrorPath(), access: GitRemoteAccess(https: https))
        }
        #expect(Self.reason(untrusted) == .certificateRejected)
        #expect("\(untrusted.map { "\($0)" } ?? "")".contains("caFile"))
        // Another CA's file does not vouch for it either.
        let other = try GitTestCA(name: "another CA")
        defer { try? FileManager.default.removeItem(at: other.folder) }
        let wrongCA = Self.failure {
            _ = try GitMirror.open(
                url: fixture.url, at: try Self.mirrorPath(), access: GitRemoteAccess(https: https, caFile: other.caFile))
        }
        #expect(Self.reason(wrongCA) == .certificateRejected)
        // The right CA but another host name (127.0.0.1 is not in the certificate) is refused too.
        let url = fixture.url.replacingOccurrences(of: "localhost", with: "127.0.0.1")
        let wrongName = Self.failure {
            _ = try GitMirror.open(
                url: url, at: try Self.mirrorPath(), access: GitRemoteAccess(https: https, caFile: fixture.server.ca.caFile))
        }
        #expect(Self.reason(wrongName) == .certificateRejected)
        // The server never saw an authenticated request.
        #expect(!fixture.server.log().contains("git-upload-pack"))
    }

    @Test func aPasswordInTheURLIsRedactedFromErrors() {
        #expect(
            GitRemoteURL.redacted("https://bot:s3cr3t@git.example.com/acme.git") == "https://bot:***@git.example.com/acme.git")
        #expect(GitRemoteURL.redacted("https://git.example.com/acme.git") == "https://git.example.com/acme.git")
        #expect(GitRemoteURL.redacted("ssh://git@host:2222/acme.git") == "ssh://git@host:2222/acme.git")
        let error = GitSourceError.fetchFailed(url: "https://bot:s3cr3t@git.example.com/acme.git", detail: "401")
        #expect(!"\(error)".contains("s3cr3t"))
    }
}
