import Foundation
import Logging
import NETCONF
import NETCONFClient

/// Runs `body` against a fresh sshd + netconfd pair and always stops them afterwards.
func withServer<R>(_ body: (NETCONFServerHarness) async throws -> R) async throws -> R {
    let server = try NETCONFServerHarness.start()
    do {
        let result = try await body(server)
        server.stop()
        return result
    } catch {
        server.stop()
        throw error
    }
}

let testNamespace = "urn:cms:test"

extension NETCONFServerHarness {
    /// Opens a session with the ed25519 key and the pinned host key.
    func connect(
        auth: SSHAuthentication? = nil, timeouts: NETCONFTimeouts = .init(rpc: .seconds(30)),
        loop: NETCONFClientLoop = .shared
    ) async throws -> NETCONFSession {
        try await NETCONFSession.connect(
            host: "127.0.0.1", port: port, username: NETCONFServerHarness.user,
            auth: auth ?? .publicKey(privateKey: ed25519Key), hostKey: .pinned(hostKeyFingerprint),
            timeouts: timeouts, loop: loop, logger: Logger(label: "test.netconf"))
    }
}

/// `<config>` with our module's `settings` holding `content`.
func settingsConfig(_ content: String) throws -> XMLElement {
    try XML.parse(
        "<config xmlns=\"\(NETCONFNamespace.base)\"><settings xmlns=\"\(testNamespace)\">"
            + content + "</settings></config>")
}

/// A subtree filter selecting our `settings` container.
func settingsFilter() -> Filter {
    .subtree(XMLElement("settings", namespace: testNamespace))
}

/// The hostname leaf in `datastore`, read through `session`.
func hostname(_ session: NETCONFSession, _ datastore: Datastore) async throws -> String? {
    let data = try await session.getConfig(source: datastore, filter: settingsFilter())
    return data.child("settings", namespace: testNamespace)?.child("hostname")?.text
}

/// Polls `condition` every `interval` until it holds or `seconds` pass; returns whether it held.
func eventually(
    within seconds: Double, every interval: Duration = .milliseconds(200),
    _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    return try await condition()
}
