import Foundation

/// The server's SSH host key as seen during the key exchange, before anything else is sent.
public struct SSHHostKey: Sendable, Equatable, CustomStringConvertible {
    /// The key algorithm family as libssh2 reports it.
    public enum KeyType: String, Sendable, Equatable {
        case rsa = "ssh-rsa"
        case dss = "ssh-dss"
        case ecdsaP256 = "ecdsa-sha2-nistp256"
        case ecdsaP384 = "ecdsa-sha2-nistp384"
        case ecdsaP521 = "ecdsa-sha2-nistp521"
        case ed25519 = "ssh-ed25519"
        case unknown
    }

    /// The device address the key was presented by.
    public var host: String
    public var port: Int
    public var type: KeyType
    /// The key blob in SSH wire format (what `~/.ssh/known_hosts` holds base64-encoded).
    public var rawKey: [UInt8]
    /// OpenSSH-style fingerprint: `SHA256:` + base64 of the SHA-256 of `rawKey`, without padding.
    public var fingerprint: String

    public init(host: String, port: Int, type: KeyType, rawKey: [UInt8], sha256: [UInt8]) {
        self.host = host
        self.port = port
        self.type = type
        self.rawKey = rawKey
        self.fingerprint = Self.fingerprint(sha256: sha256)
    }

    /// `SHA256:<base64 without '='>`, as `ssh-keygen -l` prints it.
    public static func fingerprint(sha256 digest: [UInt8]) -> String {
        var base64 = Data(digest).base64EncodedString()
        while base64.hasSuffix("=") { base64.removeLast() }
        return "SHA256:" + base64
    }

    /// Normalises a user-given fingerprint for comparison: trims blanks and base64 padding; accepts
    /// a missing `SHA256:` prefix.
    public static func normalizedFingerprint(_ text: String) -> String {
        var value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if !value.hasPrefix("SHA256:") { value = "SHA256:" + value }
        while value.hasSuffix("=") { value.removeLast() }
        return value
    }

    public var description: String { "\(type.rawValue) \(fingerprint)" }
}
