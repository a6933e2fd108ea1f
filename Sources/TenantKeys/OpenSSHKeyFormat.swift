import Crypto
import Foundation

/// The `openssh-key-v1` private key format (OpenSSH's PROTOCOL.key), unencrypted, for ed25519 keys, and the
/// one-line public key format.
enum OpenSSHKeyFormat {
    static let begin = "-----BEGIN OPENSSH PRIVATE KEY-----"
    static let end = "-----END OPENSSH PRIVATE KEY-----"
    static let magic = Array("openssh-key-v1".utf8) + [0]
    static let ed25519 = "ssh-ed25519"

    /// The public key blob: string "ssh-ed25519", string key(32).
    static func ed25519Blob(_ publicKey: [UInt8]) -> [UInt8] {
        var writer = SSHWireWriter()
        writer.string(ed25519)
        writer.string(publicKey)
        return writer.bytes
    }

    /// The private key file for an ed25519 `seed` (32 bytes), with `checkint` as OpenSSH's corruption check.
    static func encodeEd25519(seed: [UInt8], publicKey: [UInt8], comment: String, checkint: UInt32) -> String {
        var section = SSHWireWriter()
        section.uint32(checkint)
        section.uint32(checkint)
        section.string(ed25519)
        section.string(publicKey)
        section.string(seed + publicKey)
        section.string(comment)
        var pad: UInt8 = 1
        while section.bytes.count % 8 != 0 {
            section.raw([pad])
            pad += 1
        }
        var file = SSHWireWriter()
        file.raw(magic)
        file.string("none")
        file.string("none")
        file.string([UInt8]())
        file.uint32(1)
        file.string(ed25519Blob(publicKey))
        file.string(section.bytes)
        return armor(file.bytes)
    }

    /// Base64 in 70-column lines between the BEGIN/END lines, as `ssh-keygen` writes it.
    static func armor(_ bytes: [UInt8]) -> String {
        let base64 = Data(bytes).base64EncodedString()
        var lines: [Substring] = []
        var rest = base64[...]
        while !rest.isEmpty {
            lines.append(rest.prefix(70))
            rest = rest.dropFirst(70)
        }
        return ([begin] + lines.map(String.init) + [end]).joined(separator: "\n") + "\n"
    }

    /// Parses and verifies an unencrypted ed25519 `openssh-key-v1` file; returns the seed, public key and comment.
    static func decodeEd25519(_ text: String, path: String) throws(TenantKeyError) -> (
        seed: [UInt8], publicKey: [UInt8], comment: String
    ) {
        func bad(_ reason: String) -> TenantKeyError { .corruptKey(path: path, reason: reason) }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.first == begin, lines.last == end, lines.count >= 3 else {
            throw bad("not an OpenSSH private key (no BEGIN/END OPENSSH PRIVATE KEY lines)")
        }
        guard let data = Data(base64Encoded: lines.dropFirst().dropLast().joined()) else {
            throw bad("the key body is not valid base64")
        }
        var reader = SSHWireReader(Array(data))
        guard reader.raw(magic.count) == magic else { throw bad("missing the openssh-key-v1 header") }
        guard let cipher = reader.text(), let kdf = reader.text(), let kdfOptions = reader.string() else {
            throw bad("truncated header")
        }
        guard cipher == "none", kdf == "none", kdfOptions.isEmpty else {
            throw bad("the key is encrypted (\(cipher)/\(kdf)); cmsd needs an unencrypted tenant key")
        }
        guard reader.uint32() == 1 else { throw bad("the file must hold exactly one key") }
        guard let publicBlob = reader.string(), let section = reader.string(), reader.isAtEnd else {
            throw bad("truncated or trailing data")
        }
        var blob = SSHWireReader(publicBlob)
        guard blob.text() == ed25519, let publicKey = blob.string(), publicKey.count == 32, blob.isAtEnd else {
            throw bad("not an ssh-ed25519 key")
        }
        guard section.count % 8 == 0 else { throw bad("the private section is not padded to 8 bytes") }
        var secret = SSHWireReader(section)
        guard let check1 = secret.uint32(), let check2 = secret.uint32(), check1 == check2 else {
            throw bad("check integers differ (corrupted or wrongly decrypted)")
        }
        guard secret.text() == ed25519, let innerPublic = secret.string(), innerPublic == publicKey,
            let pair = secret.string(), pair.count == 64, Array(pair[32...]) == publicKey,
            let comment = secret.text()
        else { throw bad("the private section does not match the public key") }
        let padding = secret.rest()
        guard padding.count < 8, padding.enumerated().allSatisfy({ $0.element == UInt8($0.offset + 1) }) else {
            throw bad("wrong padding")
        }
        let seed = Array(pair[..<32])
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed),
            Array(key.publicKey.rawRepresentation) == publicKey
        else { throw bad("the private key does not produce its public key") }
        return (seed, publicKey, comment)
    }

    /// `SHA256:` + unpadded base64 of the SHA-256 of the public key blob, as `ssh-keygen -l` prints it.
    static func fingerprint(ofBlob blob: [UInt8]) -> String {
        let digest = Data(SHA256.hash(data: blob)).base64EncodedString()
        return "SHA256:" + digest.trimmingCharacters(in: CharacterSet(charactersIn: "="))
    }

    /// `type base64(blob) comment`.
    static func publicKeyLine(type: String, blob: [UInt8], comment: String) -> String {
        "\(type) \(Data(blob).base64EncodedString()) \(comment)"
    }
}
