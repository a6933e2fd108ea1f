import CMSAPI
import CMSDaemon
import CMSHooks
import CMSModel
import CMSServer
import Foundation
import Logging
import ServiceLifecycle
import TenantKeys
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `cmsd` following a private repository (issue 17): a real `sshd` + `git-shell` and an HTTPS `git http-backend` on
/// loopback, `cmsd.yaml` parsed as an operator writes it, the tenant's own key as the deploy key; and the push
/// webhook over real HTTP against the daemon's API server.
@Suite("Private repositories and webhooks, end to end", .tags(.peer), .serialized)
struct PrivateSourceE2ETests {
    static let tenant = "century"
    static let files = [
        "tenant.yaml": "apiVersion: cms/v1\nkind: Tenant\ncode: century\ntimeZone: Asia/Tokyo\n",
        "devices/a1.yaml": "apiVersion: cms/v1\nkind: Device\ncode: a1\nproduct: NXR-120\n",
    ]
    static let hookSecret = "hook-" + UUID().uuidString

    /// A daemon over `yaml`'s tenants (CRP on a free loopback port), started, with its API server on a free port.
    final class Running: @unchecked Sendable {
        let daemon: Daemon
        let port: Int
        let server: Task<Void, any Error>
        let group: ServiceGroup

        init(yaml: String, folder: URL) async throws {
            let configuration = try DaemonConfiguration.parse(yaml, file: "cmsd.yaml", relativeTo: folder.path)
            var logger = Logger(label: "e2e.private-source")
            logger.logLevel = .critical
            daemon = try Daemon(configuration: configuration, logger: logger)
            try await daemon.start()
            let (ports, continuation) = AsyncStream<Int>.makeStream()
            let app = APIServer.make(
                controlPlane: daemon,
                configuration: APIServerConfiguration(host: "127.0.0.1", port: 0, tokens: [:]),
                logger: logger, onServerRunning: { continuation.yield($0) })
            // Stopped gracefully (stop()), never by cancelling: see APIServer.serving.
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: app)], logger: logger))
            self.group = group
            server = Task { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw GitPeers.Failure("the API server did not start") }
            self.port = port
        }

        func stop() async {
            await group.triggerGracefulShutdown()
            _ = await server.result
            await daemon.shutdown()
        }

        func status() async throws -> TenantStatus { try await daemon.tenantStatus(PrivateSourceE2ETests.tenant) }

        func events(_ type: EventType) async throws -> [Event] {
            try await daemon.events.search(EventQuery(tenant: PrivateSourceE2ETests.tenant, limit: 10_000))
                .filter { $0.type == type }
        }

        /// A real POST of a push delivery signed with `secret` the way GitHub signs it.
        func deliver(ref: String, after: String, secret: String) async throws -> (status: Int, body: String) {
            let body = Data(#"{"ref":"\#(ref)","after":"\#(after)","pusher":{"name":"alice"}}"#.utf8)
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/hooks/century")!, timeoutInterval: 30)
            request.httpMethod = "POST"
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue("push", forHTTPHeaderField: "X-GitHub-Event")
            request.setValue(
                "sha256=" + WebhookSignature.sign(Array(body), secret: Array(secret.utf8)),
                forHTTPHeaderField: "X-Hub-Signature-256")
            let session = URLSession(configuration: .ephemeral)
            defer { session.finishTasksAndInvalidate() }
            let (data, response) = try await session.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }
    }

    /// Runs `body` against a started daemon, and stops the daemon whatever happens.
    static func withDaemon(yaml: String, folder: URL, _ body: (Running) async throws -> Void) async throws {
        let daemon = try await Running(yaml: yaml, folder: folder)
        do {
            try await body(daemon)
        } catch {
            await daemon.stop()
            throw error
        }
        await daemon.stop()
    }

    /// cmsd.yaml for one tenant: `repo` is the YAML of its repo mapping; polling is hourly so only the webhook and
    /// the start fetch.
    static func yaml(data: String, repo: String, hookSecretFile: String) -> String {
        """
        dataFolder: \(data)
        listen: {crp: "127.0.0.1:0", api: "127.0.0.1:0"}
        tenants:
          - code: century
            pollInterval: 1h
            driftInterval: 1h
            webhook: {secret: {file: \(hookSecretFile)}}
            repo:
        \(repo)
        """
    }

    @Test func aTenantFollowsAPrivateSSHRepositoryWithItsOwnKeyAndASignedPushWebhook() async throws {
        let server = try GitSSHServer()
        defer { server.stop() }
        let (bare, work) = try GitPeers.bareRepository(named: "century", under: server.root, files: Self.files)
        let first = try GitPeers.git(["rev-parse", "HEAD"], in: work)
        let folder = try GitPeers.folder("cms-e2e-private")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data").path
        // The tenant's own key pair (what `cms tenant pubkey` prints) is the deploy key.
        let pair = try TenantKeyStore(dataFolder: data).keyPair(for: Self.tenant, type: .ed25519)
        try server.authorize(pair.publicKeyLine)
        let secretFile = folder.appendingPathComponent("hook.secret").path
        try (Self.hookSecret + "\n").write(toFile: secretFile, atomically: true, encoding: .utf8)
        let repo = """
                  url: \(server.url(bare))
                  ssh: {hostKey: "\(server.hostKeyFingerprint)"}
            """
        try await Self.withDaemon(yaml: Self.yaml(data: data, repo: repo, hookSecretFile: secretFile), folder: folder) { running in
            let status = try await running.status()
            #expect(status.lastAttemptedRevision == first, "\(status.condition) \(status.lastFetchError ?? "")")
            #expect(!status.condition.reason.hasPrefix("Git"))

            // A push to another branch is ignored; a wrongly signed delivery is refused; neither fetches.
            let second = try GitPeers.push(["devices/a2.yaml": "apiVersion: cms/v1\nkind: Device\ncode: a2\nproduct: NXR-120\n"], in: work, message: "add a2")
            let elsewhere = try await running.deliver(ref: "refs/heads/feature", after: second, secret: Self.hookSecret)
            #expect(elsewhere.status == 202 && elsewhere.body.contains("ignored"))
            let forged = try await running.deliver(ref: "refs/heads/main", after: second, secret: "not-the-secret")
            #expect(forged.status == 401)
            let rejected = try await running.events(.gitWebhookRejected)
            #expect(rejected.count == 1 && rejected.first?.details["status"] == "401")
            #expect(try await running.status().lastAttemptedRevision == first)

            // The signed push to the tenant's branch makes cmsd fetch over SSH at once (polling is hourly).
            let accepted = try await running.deliver(ref: "refs/heads/main", after: second, secret: Self.hookSecret)
            #expect(accepted.status == 202 && accepted.body.contains("refresh"))
            #expect(await eventuallyTrue { try await running.status().lastAttemptedRevision == second })
            let received = try await running.events(.gitWebhookReceived)
            #expect(received.map { $0.details["action"] ?? "" }.sorted().first?.hasPrefix("ignored") == true)
            let push = try #require(received.first { $0.details["action"] == "refresh started" })
            #expect(push.user == "alice" && push.revision == second)
            #expect(!server.log().isEmpty)
            let events = try await running.daemon.events.search(EventQuery(tenant: Self.tenant, limit: 10_000))
            #expect(!events.contains { $0.message.contains(Self.hookSecret) || $0.details.values.contains(Self.hookSecret) })
        }
    }

    @Test func aRefusedDeployKeyStallsTheTenantWithAReasonAndAnEventUntilTheKeyIsAdded() async throws {
        let server = try GitSSHServer()
        defer { server.stop() }
        let (bare, work) = try GitPeers.bareRepository(named: "century", under: server.root, files: Self.files)
        let folder = try GitPeers.folder("cms-e2e-private")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data").path
        let knownHosts = try server.knownHostsFile(in: folder)
        let secretFile = folder.appendingPathComponent("hook.secret").path
        try (Self.hookSecret + "\n").write(toFile: secretFile, atomically: true, encoding: .utf8)
        let repo = """
                  url: \(server.url(bare))
                  ssh: {knownHosts: \(knownHosts)}
            """
        try await Self.withDaemon(yaml: Self.yaml(data: data, repo: repo, hookSecretFile: secretFile), folder: folder) { running in
            let status = try await running.status()
            #expect(status.condition.status == .stalled)
            #expect(status.condition.reason == "GitAuthenticationFailed")
            #expect(status.condition.message.contains("cms tenant pubkey"), "\(status.condition.message)")
            let failed = try await running.events(.gitFetchFailed)
            #expect(failed.count == 1)
            #expect(failed.first?.details["reason"] == "GitAuthenticationFailed")
            #expect(failed.first?.message.contains("deploy key") == true)

            // The operator adds the tenant's key to the repository; the next push (webhook) clears the condition.
            let pair = try TenantKeyStore(dataFolder: data).keyPair(for: Self.tenant, type: .ed25519)
            try server.authorize(pair.publicKeyLine)
            let head = try GitPeers.git(["rev-parse", "HEAD"], in: work)
            let accepted = try await running.deliver(ref: "refs/heads/main", after: head, secret: Self.hookSecret)
            #expect(accepted.status == 202)
            #expect(await eventuallyTrue { try await running.status().lastAttemptedRevision == head })
            #expect(try await !running.status().condition.reason.hasPrefix("Git"))
        }
    }

    @Test func aTenantFollowsAnHTTPSRepositoryWithATokenAndThePrivateCA() async throws {
        let token = "tok-" + UUID().uuidString
        let server = try GitHTTPSServer(username: "x-access-token", token: token)
        defer { server.stop() }
        let (bare, work) = try GitPeers.bareRepository(named: "century", under: server.root, files: Self.files)
        let first = try GitPeers.git(["rev-parse", "HEAD"], in: work)
        let folder = try GitPeers.folder("cms-e2e-private")
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokenFile = folder.appendingPathComponent("git.token").path
        try (token + "\n").write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let secretFile = folder.appendingPathComponent("hook.secret").path
        try (Self.hookSecret + "\n").write(toFile: secretFile, atomically: true, encoding: .utf8)
        let repo = """
                  url: \(server.url(bare))
                  https: {username: x-access-token, token: {file: \(tokenFile)}, caFile: \(server.ca.caFile)}
            """
        let data = folder.appendingPathComponent("data").path
        try await Self.withDaemon(yaml: Self.yaml(data: data, repo: repo, hookSecretFile: secretFile), folder: folder) { running in
            let status = try await running.status()
            #expect(status.lastAttemptedRevision == first, "\(status.condition) \(status.lastFetchError ?? "")")

            // A revoked token: the next fetch fails as an authentication failure, and the token is in no event.
            try ("revoked-" + UUID().uuidString + "\n").write(toFile: tokenFile, atomically: true, encoding: .utf8)
            let second = try GitPeers.push(["devices/a2.yaml": "apiVersion: cms/v1\nkind: Device\ncode: a2\nproduct: NXR-120\n"], in: work, message: "add a2")
            _ = try? await running.daemon.refresh(Self.tenant)
            let stalled = try await running.status()
            #expect(stalled.condition.reason == "GitAuthenticationFailed")
            #expect(stalled.lastAttemptedRevision == first)
            let events = try await running.daemon.events.search(EventQuery(tenant: Self.tenant, limit: 10_000))
            #expect(!events.contains { $0.message.contains(token) || $0.details.values.contains { $0.contains(token) } })
            // The token is renewed: the next refresh fetches the new commit.
            try (token + "\n").write(toFile: tokenFile, atomically: true, encoding: .utf8)
            let refreshed = try await running.daemon.refresh(Self.tenant)
            #expect(refreshed.revision == second)
        }
    }
}
