import CMSAPI
import CMSDaemon
import CMSModel
import ConfigArchive
import Foundation
import NXRSim
import TestSupport
import Testing

/// `ssh://` transfers with an SSH **key** (issue 12): the NXR's transfer RPCs take only a password, so with a key
/// `cmsd` carries the file itself over SFTP (docs/config-archive.md). Against OpenSSH's sshd on loopback with
/// public-key authentication, the host key pinned; the key only ever a secret reference.
@Suite(.serialized, .tags(.peer)) struct ConfigKeyTransferE2ETests {
    static let tenant = ReconcileHarness.tenant

    /// An ed25519 key pair made by ssh-keygen: (private key text, public key line).
    static func keyPair() throws -> (String, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cms-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let made = try runProcess(
            "/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "cms-transfer", "-f", folder.path + "/id"])
        guard made.status == 0 else { throw HarnessError("ssh-keygen: \(made.stderr)") }
        return (
            try String(contentsOfFile: folder.path + "/id", encoding: .utf8),
            try String(contentsOfFile: folder.path + "/id.pub", encoding: .utf8).trimmingCharacters(in: .newlines)
        )
    }

    @Test func aConfigGoesToAndComesBackFromAnSSHServerWithAKeyCarriedByCmsd() async throws {
        let (privateKey, publicKey) = try Self.keyPair()
        let server = try SFTPServer(authorizedKey: publicKey)
        defer { server.stop() }
        setenv("CMS_CENTURY_TRANSFER_KEY", privateKey, 1)
        let keySecret = "env:CMS_CENTURY_TRANSFER_KEY"
        let harness = try ReconcileHarness()
        defer { Task { await harness.stop() } }
        try await harness.start()
        #expect(await eventuallyTrue(timeout: .seconds(60)) {
            await harness.converged(at: try ConfigArchiveE2ETests.head(harness))
        })
        let daemon = try #require(harness.daemon)
        let url = server.url("keyed/nxr03.config")
        let onServer = server.files.appendingPathComponent("keyed/nxr03.config")

        // Pull to the server: cmsd reads the device's show-config and writes it with the key.
        let same = await eventuallyTrue {
            let uploaded = try await daemon.configPush(
                Self.tenant, device: "nxr03", format: "show-config", url: url, passwordSecret: nil,
                keySecret: keySecret, passphraseSecret: nil, hostKey: server.hostKeyFingerprint, user: "dave")
            guard uploaded.source == url else { return false }
            let written = try String(contentsOf: onServer, encoding: .utf8)
            let pulled = ConfigArchiveE2ETests.text(
                try await daemon.configPull(Self.tenant, device: "nxr03", format: "show-config", user: "dave"))
            let key = try RedactionKey.loadOrCreate(path: harness.data + "/archive/century.redaction-key")
            return String(decoding: ConfigRedaction.redact(Array(written.utf8), format: .showConfig, key: key), as: UTF8.self)
                == pulled
        }
        #expect(same, "the server holds the show-config the device reports (its own, secrets and all)")
        #expect(server.log().contains("Accepted publickey for \(SFTPServer.user)"), "sshd saw the key: \(server.log())")
        let started = try await harness.events(.configBackupStarted).filter { $0.details["url"] == url }
        #expect(started.first?.details["transfer"] == "cmsd (SSH key)")
        #expect(try await harness.events(.configBackupSucceeded).contains { $0.details["url"] == url && $0.user == "dave" })

        // Restore from the server with the key: cmsd reads the file and restores it inline, so it is verified.
        let sim = try #require(harness.fleet.device("nxr03"))
        #expect(try await sim.changeOutOfBand(ConfigArchiveE2ETests.describe("before the keyed restore")).get().isEmpty)
        let accepted = try await daemon.configRestore(
            Self.tenant, device: "nxr03",
            request: ConfigRestoreRequest(
                format: "show-config", url: url, keySecret: keySecret, hostKey: server.hostKeyFingerprint),
            user: "dave")
        #expect(accepted.source == url)
        let back = await eventuallyTrue(timeout: .seconds(60)) {
            try await harness.events(.configBackupSucceeded).contains {
                $0.device == "nxr03" && $0.details["reason"] == "restore"
            }
        }
        let trail = try await harness.events().filter { $0.device == "nxr03" }.map { "\($0.type.rawValue) \($0.details)" }
        #expect(back, "\(trail)")
        let verified = try await harness.events(.configBackupSucceeded).first {
            $0.device == "nxr03" && $0.details["reason"] == "restore"
        }
        #expect(verified?.details["verified"] == "running config matches the restored file")
        #expect(verified?.details["file"] == url)
        #expect(try await harness.interfaceLeaf("nxr03", "ethernet1", "description") == "WAN")
        #expect(try await harness.events(.deviceDisconnected).filter { $0.device == "nxr03" }.isEmpty)

        // A server whose host key is not the pinned one gets nothing; nor does a pull without a pin.
        let wrong = "SHA256:" + String(repeating: "A", count: 43)
        let refused = server.url("keyed/refused.config")
        do {
            _ = try await daemon.configPush(
                Self.tenant, device: "nxr03", format: "xml", url: refused, passwordSecret: nil, keySecret: keySecret,
                passphraseSecret: nil, hostKey: wrong, user: "dave")
            Issue.record("a wrong host key must be refused")
        } catch {
            #expect(error.status == 502)
            #expect(error.message.contains("not the pinned"), "\(error.message)")
        }
        await #expect(throws: APIError.self) {
            try await daemon.configPush(
                Self.tenant, device: "nxr03", format: "xml", url: refused, passwordSecret: nil, keySecret: keySecret,
                passphraseSecret: nil, hostKey: nil, user: "dave")
        }
        await #expect(throws: APIError.self) {
            try await daemon.configRestore(
                Self.tenant, device: "nxr03",
                request: ConfigRestoreRequest(format: "xml", url: refused, keySecret: keySecret, hostKey: wrong),
                user: "dave")
        }
        #expect(!FileManager.default.fileExists(atPath: server.files.appendingPathComponent("keyed/refused.config").path))
        let failed = try await harness.events(.configBackupFailed).filter { $0.details["url"] == refused }
        #expect(failed.count == 1 && failed.first?.details["error"]?.contains("not the pinned") == true, "\(failed)")

        // The key is in no event and not in the journal; a key outside the tenant's references is refused.
        let body = privateKey.split(separator: "\n").dropFirst().first.map(String.init) ?? privateKey
        for event in try await harness.events() {
            #expect(!event.message.contains(body) && !event.details.values.contains { $0.contains(body) })
            #expect(!event.details.values.contains { $0.contains("PRIVATE KEY") })
        }
        let journal = String(
            decoding: FileManager.default.contents(atPath: harness.data + "/archive/century.journal.json") ?? Data(),
            as: UTF8.self)
        #expect(!journal.contains(body))
        await #expect(throws: APIError.self) {
            try await daemon.configPush(
                Self.tenant, device: "nxr03", format: "xml", url: url, passwordSecret: nil, keySecret: "env:HOME",
                passphraseSecret: nil, hostKey: server.hostKeyFingerprint, user: "dave")
        }
    }
}
