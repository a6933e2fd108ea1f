#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import TenantKeys
import Testing

/// The tenant's IPsec secret file: made once, 0600 in a 0700 folder, refused when loose or damaged.
@Suite("Tenant IPsec secret store")
struct TenantSecretStoreTests {
    static func mode(_ path: String) -> mode_t {
        var info = stat()
        _ = lstat(path, &info)
        return info.st_mode & 0o777
    }

    @Test("the first use creates 32 random bytes, 0600 in a 0700 folder; later uses read the same bytes")
    func createsOnceThenReads() throws {
        let temp = try TemporaryFolder()
        let store = TenantSecretStore(dataFolder: temp.path)
        let first = try store.ipsecSecret(for: "century")
        #expect(first.count == 32)
        #expect(Set(first).count > 8)
        let path = try store.secretPath(for: "century")
        #expect(path == temp.path + "/tenants/century/ipsec.secret")
        #expect(Self.mode(path) == 0o600)
        #expect(Self.mode(temp.path + "/tenants/century") == 0o700)
        #expect(try store.ipsecSecret(for: "century") == first)
        #expect(try TenantSecretStore(dataFolder: temp.path).ipsecSecret(for: "century") == first)
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: path))) == first)
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: temp.path + "/tenants/century") == ["ipsec.secret"])
    }

    @Test("each tenant has its own secret")
    func perTenant() throws {
        let temp = try TemporaryFolder()
        let store = TenantSecretStore(dataFolder: temp.path)
        #expect(try store.ipsecSecret(for: "a") != store.ipsecSecret(for: "b"))
    }

    @Test(
        "a secret file others can read or write is refused", arguments: [0o644, 0o640, 0o604, 0o660, 0o606] as [mode_t])
    func looseFile(mode: mode_t) throws {
        let temp = try TemporaryFolder()
        let store = TenantSecretStore(dataFolder: temp.path)
        let secret = try store.ipsecSecret(for: "century")
        let path = try store.secretPath(for: "century")
        #expect(chmod(path, mode) == 0)
        #expect(
            throws: TenantSecretError.insecure(
                path: path, reason: "mode \(String(mode, radix: 8)) lets others read or write the secret")
        ) {
            try store.ipsecSecret(for: "century")
        }
        #expect(chmod(path, 0o600) == 0)
        #expect(try store.ipsecSecret(for: "century") == secret)
    }

    @Test("a file of the wrong size is refused and left as it is", arguments: [0, 16, 31, 33, 64])
    func wrongSize(size: Int) throws {
        let temp = try TemporaryFolder()
        let store = TenantSecretStore(dataFolder: temp.path)
        let folder = try store.folder(for: "century")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(chmod(folder, 0o700) == 0)
        let path = try store.secretPath(for: "century")
        let bytes = [UInt8](repeating: 7, count: size)
        #expect(
            FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]))
        #expect(throws: TenantSecretError.wrongSize(path: path, size: size, expected: 32)) {
            try store.ipsecSecret(for: "century")
        }
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
        let message = "\(TenantSecretError.wrongSize(path: path, size: size, expected: 32))"
        #expect(message.contains(path) && message.contains("restore it from a backup"))
    }

    @Test("a symbolic link in place of the file is refused")
    func symlink() throws {
        let temp = try TemporaryFolder()
        let store = TenantSecretStore(dataFolder: temp.path)
        let folder = try store.folder(for: "century")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(chmod(folder, 0o700) == 0)
        let target = temp.path + "/elsewhere"
        #expect(
            FileManager.default.createFile(
                atPath: target, contents: Data(repeating: 1, count: 32), attributes: [.posixPermissions: 0o600]))
        let path = try store.secretPath(for: "century")
        #expect(Glibc.symlink(target, path) == 0)
        #expect(throws: TenantSecretError.insecure(path: path, reason: "a symbolic link (not followed)")) {
            try store.ipsecSecret(for: "century")
        }
    }

    @Test("a tenant folder others can write into is refused; one they can only read is tightened to 0700")
    func folderModes() throws {
        let temp = try TemporaryFolder()
        let store = TenantSecretStore(dataFolder: temp.path)
        let folder = try store.folder(for: "century")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(chmod(folder, 0o777) == 0)
        #expect(throws: TenantSecretError.insecure(path: folder, reason: "mode 777 lets others write into it")) {
            try store.ipsecSecret(for: "century")
        }
        #expect(!FileManager.default.fileExists(atPath: try store.secretPath(for: "century")))
        #expect(chmod(folder, 0o755) == 0)
        _ = try store.ipsecSecret(for: "century")
        #expect(Self.mode(folder) == 0o700)
    }

    @Test("a tenant code that could escape the data folder is refused", arguments: ["", "..", "a/b", "x y", "é"])
    func badTenant(code: String) throws {
        let temp = try TemporaryFolder()
        #expect(throws: TenantSecretError.invalidTenantCode(code)) {
            try TenantSecretStore(dataFolder: temp.path).ipsecSecret(for: code)
        }
    }

    @Test("many concurrent first uses all get the one secret that was stored")
    func concurrentFirstUse() async throws {
        let temp = try TemporaryFolder()
        let path = temp.path
        let secrets = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<16 {
                group.addTask { try TenantSecretStore(dataFolder: path).ipsecSecret(for: "century") }
            }
            var all: [[UInt8]] = []
            for try await secret in group { all.append(secret) }
            return all
        }
        #expect(secrets.count == 16)
        #expect(Set(secrets).count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: path + "/tenants/century") == ["ipsec.secret"])
    }
}
