import Crypto
import Foundation
import NETCONF
import NETCONFClient
import Testing
@testable import NXRSim

/// Our own client (libssh2 1.10, which speaks only aes128-ctr here) against the simulator.
@Suite struct Libssh2ClientTests {
    static func fingerprint(_ openSSHKey: String) throws -> String {
        let blob = try #require(Data(base64Encoded: String(openSSHKey.split(separator: " ")[1])))
        return SSHHostKey.fingerprint(sha256: Array(SHA256.hash(data: blob)))
    }

    @Test func theNETCONFClientEditsCommitsAndCallsAVendorRPC() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "libssh1")
        let snapshot = try await device.snapshot().get()
        let session = try await NETCONFSession.connect(
            host: snapshot.address, port: snapshot.port, username: "century",
            auth: .publicKey(privateKey: try String(contentsOfFile: fleet.keyPath, encoding: .utf8)),
            hostKey: .pinned(try Self.fingerprint(snapshot.hostKey)))
        #expect(session.supports(Capability.confirmedCommit11))
        #expect(session.supports(Capability.candidate))
        let ns = SimModel.namespace
        try await session.lock(.candidate)
        try await session.editConfig(
            target: .candidate,
            config: XMLElement(
                "config", namespace: NETCONFNamespace.base,
                elements: [
                    XMLElement(
                        "system", namespace: ns, elements: [XMLElement("hostname", namespace: ns, text: "by-libssh2")])
                ]))
        try await session.commit()
        try await session.unlock(.candidate)
        let running = try await session.getConfig(source: .running)
        #expect(running.child("system", namespace: ns)?.child("hostname")?.text == "by-libssh2")
        let state = try await session.get()
        #expect(state.child("system", namespace: ns)?.child("state")?.child("serial")?.text == snapshot.identity.serial)
        let reply = try await session.rpc(
            XMLElement("ping", namespace: ns, elements: [XMLElement("destination", namespace: ns, text: "127.0.0.1")]))
        #expect(reply.body.first { $0.name == "received" }?.text == "5")
        await session.close()
    }

    @Test func aWrongPinIsRefusedBeforeAuthentication() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "libssh2")
        let snapshot = try await device.snapshot().get()
        await #expect(throws: NETCONFClientError.self) {
            _ = try await NETCONFSession.connect(
                host: snapshot.address, port: snapshot.port, username: "century",
                auth: .publicKey(privateKey: try String(contentsOfFile: fleet.keyPath, encoding: .utf8)),
                hostKey: .pinned("SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
        }
    }
}
