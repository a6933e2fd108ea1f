import Foundation
import NETCONF
import Testing
@testable import NXRSim

/// The real OpenSSH client reaches the simulated device's netconf subsystem over aes128-ctr + hmac-sha2-256.
@Suite struct OpenSSHClientTests {
    static let hello = """
        <?xml version="1.0" encoding="UTF-8"?><hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">\
        <capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>
        """

    static func rpc(_ id: Int, _ body: String) -> String {
        "<rpc message-id=\"\(id)\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\(body)</rpc>]]>]]>"
    }

    func ssh(
        _ fleet: TestFleet, _ device: SimulatedDevice, knownHosts: String, cipher: String, mac: String, input: String
    )
        async throws -> (status: Int32, stdout: String, stderr: String)
    {
        let snapshot = try await device.snapshot().get()
        return try Shell.run(
            "/usr/bin/ssh",
            [
                "-F", "/dev/null", "-T", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=\(knownHosts)", "-o", "Ciphers=\(cipher)", "-o", "MACs=\(mac)",
                "-o", "IdentitiesOnly=yes", "-i", fleet.keyPath, "-p", String(snapshot.port),
                "-s", "admin@\(snapshot.address)", "netconf",
            ], stdin: input)
    }

    @Test func openSSHGetsHelloAndConfigOverAES128CTR() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "openssh1")
        let knownHosts = try await fleet.knownHosts(for: device)
        let input =
            Self.hello + Self.rpc(1, "<get-config><source><running/></source></get-config>")
            + Self.rpc(2, "<close-session/>")
        let result = try await self.ssh(
            fleet, device, knownHosts: knownHosts, cipher: "aes128-ctr", mac: "hmac-sha2-256", input: input)
        #expect(result.status == 0, "ssh failed: \(result.stderr)")
        #expect(result.stdout.contains("urn:ietf:params:netconf:capability:confirmed-commit:1.1"))
        #expect(result.stdout.contains("<session-id>"))
        #expect(result.stdout.contains("nxr-openssh1"), "get-config reply lacks the hostname: \(result.stdout)")
        #expect(result.stdout.contains("message-id=\"2\""))
    }

    @Test func openSSHAlsoWorksOverAESGCM() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "openssh2")
        let knownHosts = try await fleet.knownHosts(for: device)
        let input = Self.hello + Self.rpc(7, "<close-session/>")
        let result = try await self.ssh(
            fleet, device, knownHosts: knownHosts, cipher: "aes128-gcm@openssh.com", mac: "hmac-sha2-256", input: input)
        #expect(result.status == 0, "ssh failed: \(result.stderr)")
        #expect(result.stdout.contains("message-id=\"7\""))
    }

    @Test func aLargeMessageSurvivesManyCTRPackets() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "openssh3")
        let knownHosts = try await fleet.knownHosts(for: device)
        // ~110 kB of configuration a router accepts (schemas/nxr.yang: descriptions ≤ 64 characters), so the
        // simulator's YANG validation commits it: 1,000 interfaces with a 56-character run each.
        let run = String(repeating: "x", count: 56)
        let interfaces = (1...1_000).map { "<interface><name>ethernet\($0)</name><description>\(run)-\($0)</description></interface>" }
        let edit = Self.rpc(
            1,
            """
            <edit-config><target><running/></target><config><interfaces xmlns="\(SimModel.namespace)">\
            \(interfaces.joined())</interfaces></config></edit-config>
            """)
        let input =
            Self.hello + edit + Self.rpc(2, "<get-config><source><running/></source></get-config>")
            + Self.rpc(3, "<close-session/>")
        let result = try await self.ssh(
            fleet, device, knownHosts: knownHosts, cipher: "aes128-ctr", mac: "hmac-sha2-256", input: input)
        #expect(result.status == 0, "ssh failed: \(result.stderr)")
        #expect(
            result.stdout.components(separatedBy: run).count == 1_001 && result.stdout.contains("\(run)-1000<"),
            "the 110 kB configuration did not come back intact: \(result.stdout.suffix(1200))")
    }

    @Test func anUnknownKeyIsRejected() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "openssh4")
        let knownHosts = try await fleet.knownHosts(for: device)
        let otherKey = fleet.directory.appendingPathComponent("other").path
        try Shell.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", otherKey])
        let snapshot = try await device.snapshot().get()
        let result = try Shell.run(
            "/usr/bin/ssh",
            [
                "-F", "/dev/null", "-T", "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=\(knownHosts)",
                "-o", "IdentitiesOnly=yes", "-i", otherKey, "-p", String(snapshot.port), "-s",
                "admin@\(snapshot.address)", "netconf",
            ], stdin: Self.hello)
        #expect(result.status != 0)
        #expect(result.stderr.contains("Permission denied"))
    }

    @Test func theHostKeyIsStableAcrossRestarts() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "openssh5")
        let first = try await device.snapshot().get().hostKey
        try await device.stop().get()
        let seed = fleet.directory.appendingPathComponent("openssh5/\(DeviceHostKey.fileName)").path
        let attributes = try FileManager.default.attributesOfItem(atPath: seed)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let again = try DeviceHostKey.loadOrCreate(in: fleet.directory.appendingPathComponent("openssh5"))
        #expect(DeviceHostKey.openSSHPublicKey(again) == first)
    }
}
