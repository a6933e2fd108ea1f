import Foundation
import Testing

@testable import NETCONFClient

/// The Swift parser that lets ed25519 logins skip libssh2's per-login OpenSSL key decoding; keys it
/// does not handle must come back nil so that libssh2 parses (and reports) them. Signatures are
/// checked end to end by SessionSetupTests (OpenSSH's sshd verifies them).
struct Ed25519SignerTests {
    private static func keyPair(_ arguments: [String]) throws -> (privateKey: String, publicLine: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ed25519-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("id").path
        _ = try ChildProcess.run("/usr/bin/ssh-keygen", ["-q", "-C", "test", "-f", path] + arguments)
        return (
            try String(contentsOfFile: path, encoding: .utf8), try String(contentsOfFile: path + ".pub", encoding: .utf8)
        )
    }

    @Test func anUnencryptedOpenSSHKeyParsesWithThePublicKeyOfItsPubFile() throws {
        let pair = try Self.keyPair(["-t", "ed25519", "-N", ""])
        let signer = try #require(Ed25519Signer.parse(pair.privateKey))
        let fields = pair.publicLine.split(separator: " ")
        let blob = try #require(Data(base64Encoded: String(fields[1])))
        #expect(signer.publicKeyBlob == Array(blob))
        let signature = try #require(signer.sign(Array("data".utf8)))
        #expect(signature.count == 64)
    }

    @Test(arguments: [
        ["-t", "ed25519", "-N", "secret"],  // encrypted: libssh2 decrypts it with the passphrase
        ["-t", "ecdsa", "-N", ""],
    ])
    func keysItDoesNotHandleAreLeftToLibssh2(_ arguments: [String]) throws {
        let pair = try Self.keyPair(arguments)
        #expect(Ed25519Signer.parse(pair.privateKey) == nil)
    }

    @Test func aDamagedKeyIsLeftToLibssh2() throws {
        let pair = try Self.keyPair(["-t", "ed25519", "-N", ""])
        var lines = pair.privateKey.split(separator: "\n").map(String.init)
        lines[2] = String(lines[2].reversed())  // inside the private section
        #expect(Ed25519Signer.parse(lines.joined(separator: "\n")) == nil)
        #expect(Ed25519Signer.parse("not a key") == nil)
    }
}
