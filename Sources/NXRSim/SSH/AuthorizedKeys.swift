import Foundation
import NIOSSH

/// The public keys (OpenSSH `authorized_keys` format) and optional password a device accepts.
public struct AuthorizedKeys: Sendable {
    public var keys: [NIOSSHPublicKey]
    public var password: String?

    public init(keys: [NIOSSHPublicKey] = [], password: String? = nil) {
        self.keys = keys
        self.password = password
    }

    /// Parses `authorized_keys` text: one key per line, `#` comments and blank lines ignored.
    /// - Parameter source: names the file in error messages.
    public init(parsing text: String, source: String, password: String? = nil) throws(SimError) {
        var keys: [NIOSSHPublicKey] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            do {
                keys.append(try NIOSSHPublicKey(openSSHPublicKey: line))
            } catch {
                throw SimError(
                    code: .badAuthorizedKey,
                    message:
                        "\(source):\(index + 1): not an OpenSSH public key (\(error)); expected e.g. `ssh-ed25519 AAAA… comment`"
                )
            }
        }
        self.keys = keys
        self.password = password
    }
}
