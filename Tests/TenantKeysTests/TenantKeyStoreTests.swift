import Foundation
import Testing

@testable import TenantKeys

@Suite("Tenant SSH keys are generated once, stored strictly, and readable by OpenSSH")
struct TenantKeyStoreTests {
    @Test("an ed25519 pair is generated with 0700/0600 permissions and OpenSSH derives the same public key")
    func ed25519MatchesOpenSSH() throws {
        let data = try TemporaryFolder()
        let pair = try TenantKeyStore(dataFolder: data.path).keyPair(for: "century")
        #expect(pair.created)
        #expect(pair.privateKeyPath == data.path + "/tenants/century/ssh/id_ed25519")
        #expect(try mode(data.path + "/tenants/century/ssh") == 0o700)
        #expect(try mode(pair.privateKeyPath) == 0o600)
        #expect(pair.publicKeyLine.hasPrefix("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"))
        #expect(pair.publicKeyLine.hasSuffix(" century"))
        let text = try String(contentsOfFile: pair.privateKeyPath, encoding: .utf8)
        #expect(text.hasPrefix("-----BEGIN OPENSSH PRIVATE KEY-----\n"))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 70 })

        let derived = try run("/usr/bin/ssh-keygen", ["-y", "-f", pair.privateKeyPath])
        #expect(derived.status == 0, "\(derived.stderr)")
        // ssh-keygen -y prints "type base64 comment"; the comment comes from inside the private key.
        #expect(derived.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == pair.publicKeyLine)
        let listed = try run("/usr/bin/ssh-keygen", ["-l", "-f", pair.publicKeyPath])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.hasPrefix("256 \(pair.fingerprint) century (ED25519)"), "\(listed.stdout)")
        let listedPrivate = try run("/usr/bin/ssh-keygen", ["-l", "-f", pair.privateKeyPath])
        #expect(listedPrivate.stdout.contains(pair.fingerprint))
    }

    @Test("the pair is reused on later starts, and the public file is derived again when deleted")
    func reused() throws {
        let data = try TemporaryFolder()
        let store = TenantKeyStore(dataFolder: data.path)
        let first = try store.keyPair(for: "century")
        let privateBytes = try Data(contentsOf: URL(fileURLWithPath: first.privateKeyPath))
        let again = try TenantKeyStore(dataFolder: data.path).keyPair(for: "century")
        #expect(!again.created)
        #expect(again.publicKeyLine == first.publicKeyLine)
        #expect(again.fingerprint == first.fingerprint)
        #expect(try Data(contentsOf: URL(fileURLWithPath: first.privateKeyPath)) == privateBytes)
        try FileManager.default.removeItem(atPath: first.publicKeyPath)
        #expect(try store.keyPair(for: "century").publicKeyLine == first.publicKeyLine)
        #expect(
            try String(contentsOfFile: first.publicKeyPath, encoding: .utf8) == first.publicKeyLine + "\n")
        let other = try store.keyPair(for: "other-tenant")
        #expect(other.publicKeyLine != first.publicKeyLine)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: data.path + "/tenants/century/ssh")
        #expect(leftovers.sorted() == ["id_ed25519", "id_ed25519.pub"], "no temporary files left")
    }

    @Test(
        "loose permissions on the key or its folder are refused",
        arguments: [
            ("key", 0o644), ("key", 0o640),
            ("folder", 0o755), ("folder", 0o770),
        ])
    func loosePermissionsRefused(target: String, permissions: Int) throws {
        let data = try TemporaryFolder()
        let store = TenantKeyStore(dataFolder: data.path)
        let pair = try store.keyPair(for: "century")
        let path = target == "key" ? pair.privateKeyPath : data.path + "/tenants/century/ssh"
        #expect(chmod(path, mode_t(permissions)) == 0)
        #expect {
            try store.keyPair(for: "century")
        } throws: { error in
            guard case .insecure(let refused, let reason) = error as? TenantKeyError else { return false }
            return refused == path && reason.contains(String(permissions, radix: 8))
                && "\(error)".contains("chmod")
        }
    }

    @Test("a symbolic link in place of the private key is refused")
    func symlinkRefused() throws {
        let data = try TemporaryFolder()
        let store = TenantKeyStore(dataFolder: data.path)
        let pair = try store.keyPair(for: "century")
        let elsewhere = data.path + "/elsewhere"
        try FileManager.default.moveItem(atPath: pair.privateKeyPath, toPath: elsewhere)
        try FileManager.default.createSymbolicLink(atPath: pair.privateKeyPath, withDestinationPath: elsewhere)
        #expect(
            throws: TenantKeyError.insecure(
                path: pair.privateKeyPath, reason: "not a regular file (symbolic links are not followed)")
        ) {
            try store.keyPair(for: "century")
        }
    }

    static let tamperings: [(String, @Sendable (inout [UInt8]) -> Void)] = [
        ("a byte of the seed", { $0[$0.count - 60] ^= 0x01 }),
        // The private section is 144 bytes for comment "century" (138 + 6 padding); it starts with the checkints.
        ("a check integer", { $0[$0.count - 144] ^= 0x01 }),
        ("the outer public key", { $0[$0.count - 150] ^= 0x01 }),
        ("the padding", { $0[$0.count - 1] ^= 0x01 }),
        ("the header", { $0[0] ^= 0x20 }),
        ("truncated", { $0.removeLast(20) }),
    ]

    @Test("a tampered private key is refused as damaged", arguments: tamperings.indices)
    func tamperedRefused(index: Int) throws {
        let data = try TemporaryFolder()
        let store = TenantKeyStore(dataFolder: data.path)
        let pair = try store.keyPair(for: "century")
        let text = try String(contentsOfFile: pair.privateKeyPath, encoding: .utf8)
        let body = text.split(separator: "\n").dropFirst().dropLast().joined()
        var bytes = try #require(Data(base64Encoded: body)).map { $0 }
        Self.tamperings[index].1(&bytes)
        let tampered = OpenSSHKeyFormat.armor(bytes)
        try TenantKeyStore.writeAtomically(tampered, to: pair.privateKeyPath, mode: 0o600)
        #expect {
            try store.keyPair(for: "century")
        } throws: { error in
            guard case .corruptKey(let path, _) = error as? TenantKeyError else { return false }
            return path == pair.privateKeyPath && "\(error)".contains("damaged")
        }
    }

    @Test("a public key file that belongs to another key is refused")
    func foreignPublicKeyRefused() throws {
        let data = try TemporaryFolder()
        let store = TenantKeyStore(dataFolder: data.path)
        let pair = try store.keyPair(for: "century")
        let other = try store.keyPair(for: "other")
        try TenantKeyStore.writeAtomically(other.publicKeyLine + "\n", to: pair.publicKeyPath, mode: 0o644)
        #expect(throws: TenantKeyError.publicKeyMismatch(path: pair.publicKeyPath)) {
            try store.keyPair(for: "century")
        }
    }

    @Test("tenant codes that could escape the data folder are refused", arguments: ["", "../x", "a/b", ".", "a b"])
    func badTenantCodes(code: String) throws {
        let data = try TemporaryFolder()
        #expect(throws: TenantKeyError.invalidTenantCode(code)) {
            try TenantKeyStore(dataFolder: data.path).keyPair(for: code)
        }
    }

    @Test("an RSA pair on request is PKCS#1 PEM that OpenSSH reads, with the same public key and fingerprint")
    func rsaMatchesOpenSSH() throws {
        let data = try TemporaryFolder()
        let store = TenantKeyStore(dataFolder: data.path)
        let pair = try store.keyPair(for: "century", type: .rsa)
        #expect(pair.privateKeyPath.hasSuffix("/ssh/id_rsa"))
        #expect(try mode(pair.privateKeyPath) == 0o600)
        let text = try String(contentsOfFile: pair.privateKeyPath, encoding: .utf8)
        #expect(text.hasPrefix("-----BEGIN RSA PRIVATE KEY-----"))
        #expect(pair.publicKeyLine.hasPrefix("ssh-rsa AAAAB3NzaC1yc2E"))
        let derived = try run("/usr/bin/ssh-keygen", ["-y", "-f", pair.privateKeyPath])
        #expect(derived.status == 0, "\(derived.stderr)")
        let derivedFields = derived.stdout.split(separator: " ").prefix(2).joined(separator: " ")
        #expect(
            derivedFields.trimmingCharacters(in: .whitespacesAndNewlines)
                == pair.publicKeyLine.split(separator: " ").prefix(2).joined(separator: " "))
        let listed = try run("/usr/bin/ssh-keygen", ["-l", "-f", pair.publicKeyPath])
        #expect(listed.stdout.hasPrefix("2048 \(pair.fingerprint) century (RSA)"), "\(listed.stdout)")
        #expect(!(try store.keyPair(for: "century", type: .rsa)).created)
        #expect(try store.keyPair(for: "century").publicKeyLine.hasPrefix("ssh-ed25519 "), "both types coexist")
    }

    @Test("`cms tenant pubkey` prints the key line, writes --out, and prints the same key on the next run")
    func pubkeyCommand() throws {
        let data = try TemporaryFolder()
        let out = data.path + "/century.pub"
        let first = try run(
            cmsExecutable, ["tenant", "pubkey", "--data", data.path, "--tenant", "century", "--out", out])
        #expect(first.status == 0, "\(first.stderr)")
        let line = first.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.hasPrefix("ssh-ed25519 ") && line.hasSuffix(" century"))
        #expect(try String(contentsOfFile: out, encoding: .utf8) == line + "\n")
        #expect(first.stderr.contains("generated ed25519 key SHA256:"))
        let stored = try TenantKeyStore(dataFolder: data.path).keyPair(for: "century")
        #expect(stored.publicKeyLine == line)
        #expect(first.stderr.contains(stored.fingerprint))
        let second = try run(cmsExecutable, ["tenant", "pubkey", "--data", data.path, "--tenant", "century"])
        #expect(second.status == 0)
        #expect(second.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == line)
        #expect(second.stderr.contains("existing"))
        #expect(chmod(stored.privateKeyPath, 0o644) == 0)
        let refused = try run(cmsExecutable, ["tenant", "pubkey", "--data", data.path, "--tenant", "century"])
        #expect(refused.status == 2)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr.contains("refusing to use") && refused.stderr.contains("id_ed25519"))
    }
}
