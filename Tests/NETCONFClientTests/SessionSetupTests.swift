import Foundation
import Logging
import NETCONF
import NETCONFClient
import Testing

/// Connection setup against a real OpenSSH sshd + yuma123 netconfd: hellos, host keys, authentication.
@Suite(.serialized)
struct SessionSetupTests {
    @Test func helloExchangeReportsTheServersCapabilitiesAndSessionID() async throws {
        try await withServer { server in
            let session = try await server.connect()
            #expect(session.supports(Capability.base10))
            #expect(session.supports(Capability.base11))
            #expect(session.supports(Capability.candidate))
            #expect(session.supports(Capability.confirmedCommit11))
            #expect(session.capabilities.contains { $0.hasPrefix("urn:cms:test?module=cms-test") })
            #expect((session.sessionID ?? 0) > 0)
            #expect(session.framing == .chunked)
            #expect(session.hostKey.fingerprint == server.hostKeyFingerprint)
            #expect(session.hostKey.type == .ed25519)
            await session.close()
        }
    }

    @Test(arguments: ["ed25519", "ecdsa", "rsa"])
    func publicKeyAuthenticationWorksWithEveryKeyType(keyType: String) async throws {
        try await withServer { server in
            let key =
                switch keyType {
                case "ecdsa": server.ecdsaKey
                case "rsa": server.rsaKey
                default: server.ed25519Key
                }
            let session = try await server.connect(auth: .publicKey(privateKey: key))
            let data = try await session.getConfig(source: .running)
            #expect(data.name == "data")
            await session.close()
            #expect(server.sshdLog().contains("Accepted publickey for \(NETCONFServerHarness.user)"))
        }
    }

    @Test func passwordAuthenticationWorksAndAWrongPasswordIsRefused() async throws {
        try await withServer { server in
            let session = try await server.connect(auth: .password(server.password))
            #expect(session.supports(Capability.base11))
            await session.close()
            #expect(server.sshdLog().contains("Accepted password for \(NETCONFServerHarness.user)"))

            let error = await #expect(throws: NETCONFClientError.self) {
                _ = try await server.connect(auth: .password("not-" + server.password))
            }
            #expect(error?.code == .authenticationFailed)
            #expect(error?.message.contains(server.password) == false)
        }
    }

    @Test func aWrongPinnedHostKeyIsRefusedBeforeAuthentication() async throws {
        try await withServer { server in
            let seen = Locked<SSHHostKey?>(nil)
            let wrongPin = HostKeyPolicy.pinned("SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            let recording = HostKeyPolicy { key in
                seen.set(key)
                return await wrongPin.verify(key)
            }
            let error = await #expect(throws: NETCONFClientError.self) {
                _ = try await NETCONFSession.connect(
                    host: "127.0.0.1", port: server.port, username: NETCONFServerHarness.user,
                    auth: .publicKey(privateKey: server.ed25519Key), hostKey: recording)
            }
            #expect(error?.code == .hostKeyRejected)
            #expect(error?.message.contains(server.hostKeyFingerprint) == true)
            // The policy saw exactly the key ssh-keygen fingerprints, and no credential was ever offered.
            #expect(seen.get()?.fingerprint == server.hostKeyFingerprint)
            try await Task.sleep(for: .milliseconds(300))
            let log = server.sshdLog()
            #expect(!log.contains("Accepted"))
            #expect(!log.contains("Failed publickey"))
            #expect(!log.contains("Postponed"))
        }
    }

    @Test func trustOnFirstUseRemembersTheKeyAndRefusesAChangedOne() async throws {
        try await withServer { server in
            let store = InMemoryHostKeyStore()
            let first = try await NETCONFSession.connect(
                host: "127.0.0.1", port: server.port, username: NETCONFServerHarness.user,
                auth: .publicKey(privateKey: server.ed25519Key), hostKey: .trustOnFirstUse(store))
            await first.close()
            #expect(await store.fingerprint(host: "127.0.0.1", port: server.port) == server.hostKeyFingerprint)

            let changed = InMemoryHostKeyStore(["127.0.0.1:\(server.port)": "SHA256:somethingElse"])
            let error = await #expect(throws: NETCONFClientError.self) {
                _ = try await NETCONFSession.connect(
                    host: "127.0.0.1", port: server.port, username: NETCONFServerHarness.user,
                    auth: .publicKey(privateKey: server.ed25519Key), hostKey: .trustOnFirstUse(changed))
            }
            #expect(error?.code == .hostKeyRejected)
        }
    }

    @Test func anIPv6LoopbackAddressConnects() async throws {
        try await withServer { server in
            let session = try await NETCONFSession.connect(
                host: "::1", port: server.port, username: NETCONFServerHarness.user,
                auth: .publicKey(privateKey: server.ed25519Key), hostKey: .pinned(server.hostKeyFingerprint))
            #expect(session.hostKey.host == "::1")
            #expect(try await session.getConfig(source: .running).name == "data")
            await session.close()
            #expect(server.sshdLog().contains("Connection from ::1"))
        }
    }

    @Test func aHostNameIsRefusedAsAnInvalidAddress() async throws {
        let error = await #expect(throws: NETCONFClientError.self) {
            _ = try await NETCONFSession.connect(
                host: "router.example.com", port: 830, username: "u", auth: .password("p"),
                hostKey: .pinned("SHA256:x"))
        }
        #expect(error?.code == .invalidAddress)
    }

    @Test func aClosedPortFailsWithConnectFailed() async throws {
        let port = try NETCONFServerHarness.freeLoopbackPort()
        let error = await #expect(throws: NETCONFClientError.self) {
            _ = try await NETCONFSession.connect(
                host: "127.0.0.1", port: port, username: "u", auth: .password("p"), hostKey: .pinned("SHA256:x"))
        }
        #expect(error?.code == .connectFailed)
    }
}

/// A tiny thread-safe box for values captured by `@Sendable` closures in tests.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.lock(); defer { lock.unlock() }; return value }
    func set(_ newValue: Value) { lock.lock(); value = newValue; lock.unlock() }
}
