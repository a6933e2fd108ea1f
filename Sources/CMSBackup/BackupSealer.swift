import Crypto
import Foundation
import _CryptoExtras

/// Seals secret members and authenticates the manifest with keys derived from the configured backup key
/// (`backup.key`, a secret reference; docs/backup.md):
///
/// - a key value that is base64 of exactly 32 bytes (`openssl rand -base64 32`) is used as key material for
///   HKDF-SHA256 with the backup's random salt;
/// - any other value is a passphrase, stretched with scrypt (N = 2^15, r = 8, p = 1; swift-crypto's
///   `_CryptoExtras.KDF.Scrypt`, BoringSSL underneath) with the salt, then split with HKDF-SHA256.
///
/// The 64 derived bytes are two keys: ChaChaPoly-IETF for members (random 96-bit nonce per member, the tenant
/// and member name as associated data so a sealed member cannot be moved to another name or tenant) and
/// HMAC-SHA256 over `manifest.json`. Pure computation: no file, clock or socket.
public struct BackupSealer: Sendable {
    public static let cipherName = "ChaChaPoly"
    public static let scryptN = 1 << 15
    public static let scryptR = 8
    public static let scryptP = 1

    public let derivation: KeyDerivation
    private let sealBytes: [UInt8]
    private let macBytes: [UInt8]
    private var sealKey: SymmetricKey { SymmetricKey(data: sealBytes) }
    private var macKey: SymmetricKey { SymmetricKey(data: macBytes) }

    /// Keys for a new backup: a fresh random salt.
    public static func forWriting(secret: [UInt8], scryptN: Int = scryptN) throws -> BackupSealer {
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255) }
        let value = trimmed(secret)
        let derivation: KeyDerivation
        if rawKey(value) != nil {
            derivation = KeyDerivation(kind: .hkdf, salt: Data(salt).base64EncodedString())
        } else {
            derivation = KeyDerivation(
                kind: .scrypt, salt: Data(salt).base64EncodedString(), n: scryptN, r: Self.scryptR, p: Self.scryptP)
        }
        return try BackupSealer(secret: secret, derivation: derivation)
    }

    /// Keys for reading a backup written with `derivation`. A passphrase given where a key was used (or the
    /// reverse) is refused as "another key".
    public init(secret: [UInt8], derivation: KeyDerivation) throws {
        let value = Self.trimmed(secret)
        guard !value.isEmpty else { throw RestoreProblem.failed("the backup key is empty") }
        guard let salt = Data(base64Encoded: derivation.salt), salt.count >= 16 else {
            throw RestoreProblem.corrupt("the manifest's key derivation salt is not valid")
        }
        let material: SymmetricKey
        switch derivation.kind {
        case .hkdf:
            guard let key = Self.rawKey(value) else {
                throw RestoreProblem.corrupt("the backup was sealed with a 32-byte key, but a passphrase is configured")
            }
            material = key
        case .scrypt:
            guard Self.rawKey(value) == nil else {
                throw RestoreProblem.corrupt("the backup was sealed with a passphrase, but a 32-byte key is configured")
            }
            guard let n = derivation.n, let r = derivation.r, let p = derivation.p, n >= 1 << 10, n <= 1 << 20,
                n & (n - 1) == 0, (1...32).contains(r), (1...16).contains(p)
            else { throw RestoreProblem.corrupt("the manifest's scrypt parameters are out of range") }
            do {
                material = try KDF.Scrypt.deriveKey(
                    from: value, salt: salt, outputByteCount: 32, rounds: n, blockSize: r, parallelism: p)
            } catch {
                throw RestoreProblem.failed("scrypt failed: \(error)")
            }
        }
        let both = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: material, salt: salt, info: Array("cms-backup v1 seal+mac".utf8), outputByteCount: 64)
        let bytes = both.withUnsafeBytes { Array($0) }
        self.derivation = derivation
        self.sealBytes = Array(bytes[0..<32])
        self.macBytes = Array(bytes[32..<64])
    }

    public func seal(_ plaintext: [UInt8], tenant: String, member: String) throws -> [UInt8] {
        let box = try ChaChaPoly.seal(plaintext, using: sealKey, authenticating: Self.aad(tenant, member))
        return Array(box.combined)
    }

    public func open(_ sealed: [UInt8], tenant: String, member: String) throws(RestoreProblem) -> [UInt8] {
        do {
            let box = try ChaChaPoly.SealedBox(combined: sealed)
            return Array(try ChaChaPoly.open(box, using: sealKey, authenticating: Self.aad(tenant, member)))
        } catch {
            throw .corrupt("\(member) cannot be opened with the configured backup key (changed, or another key)")
        }
    }

    /// Hex HMAC-SHA256 of the manifest bytes.
    public func mac(_ manifest: [UInt8]) -> String {
        HMAC<SHA256>.authenticationCode(for: manifest, using: macKey).map { String(format: "%02x", $0) }.joined()
    }

    public func verifyMAC(_ manifest: [UInt8], mac text: String) -> Bool {
        let trimmedText = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmedText.count == 64, let bytes = Self.hexBytes(trimmedText) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: manifest, using: macKey)
    }

    // MARK: -

    private static func aad(_ tenant: String, _ member: String) -> [UInt8] {
        Array("cms-backup v1".utf8) + [0] + Array(tenant.utf8) + [0] + Array(member.utf8)
    }

    private static func trimmed(_ secret: [UInt8]) -> [UInt8] {
        var bytes = secret[...]
        while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 || last == 0x09 { bytes = bytes.dropLast() }
        return Array(bytes)
    }

    private static func rawKey(_ value: [UInt8]) -> SymmetricKey? {
        guard value.count == 44, let text = String(validating: value, as: UTF8.self),
            let data = Data(base64Encoded: text), data.count == 32
        else { return nil }
        return SymmetricKey(data: data)
    }

    private static func hexBytes(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}

/// Lowercase hex SHA-256.
public enum Digest {
    public static func sha256(_ bytes: some DataProtocol) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
