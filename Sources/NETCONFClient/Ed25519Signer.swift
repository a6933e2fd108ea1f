import Crypto
import Foundation

/// An unencrypted OpenSSH ed25519 private key, parsed in Swift so that a login signs with it
/// through `libssh2_userauth_publickey` and a sign callback instead of
/// `libssh2_userauth_publickey_frommemory`, which re-parses the key through OpenSSL 3's decoders
/// on every login (~2 ms of CPU, the main cost of a session set-up at scale; DESIGN §4).
///
/// Anything else (encrypted keys, PEM, ECDSA, RSA) is not handled here: `parse` returns nil and
/// the session falls back to libssh2's own parser, which also reports bad keys. Used on the loop
/// thread only.
final class Ed25519Signer {
    /// The SSH public key blob: string "ssh-ed25519", string 32-byte key.
    let publicKeyBlob: [UInt8]
    private let key: Curve25519.Signing.PrivateKey

    private init(publicKeyBlob: [UInt8], key: Curve25519.Signing.PrivateKey) {
        self.publicKeyBlob = publicKeyBlob
        self.key = key
    }

    /// The raw 64-byte ed25519 signature of `data` (what libssh2 wraps in the SSH signature blob).
    func sign(_ data: [UInt8]) -> [UInt8]? {
        guard let signature = try? key.signature(for: data) else { return nil }
        return Array(signature)
    }

    /// Parses an `openssh-key-v1` key with cipher and KDF `none` holding one ed25519 key; nil for
    /// anything else or if the key's halves disagree.
    static func parse(_ text: String) -> Ed25519Signer? {
        let begin = "-----BEGIN OPENSSH PRIVATE KEY-----"
        let end = "-----END OPENSSH PRIVATE KEY-----"
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex)
        else { return nil }
        let body = text[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: String(body)) else { return nil }
        var reader = Reader(bytes: Array(data))
        let magic = Array("openssh-key-v1".utf8) + [0]
        guard reader.take(magic.count) == magic,
            reader.string() == Array("none".utf8),  // cipher
            reader.string() == Array("none".utf8),  // kdf
            reader.string() != nil,  // kdf options
            reader.uint32() == 1,
            let publicBlob = reader.string(),
            let privateSection = reader.string()
        else { return nil }
        var section = Reader(bytes: privateSection)
        guard let check1 = section.uint32(), let check2 = section.uint32(), check1 == check2,
            section.string() == Array("ssh-ed25519".utf8),
            let publicKey = section.string(), publicKey.count == 32,
            let secret = section.string(), secret.count == 64,
            Array(secret[32...]) == publicKey,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: secret[0..<32]),
            Array(key.publicKey.rawRepresentation) == publicKey
        else { return nil }
        var blobReader = Reader(bytes: publicBlob)
        guard blobReader.string() == Array("ssh-ed25519".utf8), blobReader.string() == publicKey else { return nil }
        return Ed25519Signer(publicKeyBlob: publicBlob, key: key)
    }

    /// SSH wire format reader (RFC 4251 §5): uint32 and length-prefixed strings.
    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func take(_ count: Int) -> [UInt8]? {
            guard count >= 0, bytes.count - offset >= count else { return nil }
            defer { offset += count }
            return Array(bytes[offset..<offset + count])
        }

        mutating func uint32() -> UInt32? {
            guard let raw = take(4) else { return nil }
            return raw.reduce(0) { $0 << 8 | UInt32($1) }
        }

        mutating func string() -> [UInt8]? {
            guard let length = uint32() else { return nil }
            return take(Int(length))
        }
    }
}
