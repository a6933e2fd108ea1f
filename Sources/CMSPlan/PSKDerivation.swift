import Crypto

/// Derives the pre-shared key of each tunnel from one secret, so both ends compute the same key with no
/// key stored anywhere: HMAC-SHA256(secret, "cms-ipsec-psk" ‖ tenant ‖ group ‖ lower code ‖ higher code),
/// first 24 bytes, base64url without padding (32 printable characters).
///
/// The secret is the server's (cmsd resolves it from a secret reference; it is never in git). Changing it
/// changes every tunnel's key. Keys never appear in text renderings (``PolicyDiff``).
public struct PSKDerivation: Sendable {
    private let secret: [UInt8]

    /// A secret too short to derive keys from.
    public struct ShortSecret: Error, Sendable, Equatable, CustomStringConvertible {
        public var length: Int
        public var description: String {
            "the IPsec pre-shared-key secret has \(length) bytes; it needs at least "
                + "\(PSKDerivation.minimumSecretLength) (e.g. 32 random bytes from a secret file)"
        }
    }

    /// The fewest secret bytes accepted.
    public static let minimumSecretLength = 16

    /// - Parameter secret: at least ``minimumSecretLength`` bytes of secret material.
    public init(secret: [UInt8]) throws(ShortSecret) {
        guard secret.count >= Self.minimumSecretLength else { throw ShortSecret(length: secret.count) }
        self.secret = secret
    }

    /// The key shared by `a` and `b` in `group` of `tenant` (symmetric in `a` and `b`).
    public func key(tenant: String, group: String, between a: DeviceCode, and b: DeviceCode) -> String {
        let (low, high) = a.utf8.lexicographicallyPrecedes(b.utf8) ? (a, b) : (b, a)
        var message = Array("cms-ipsec-psk".utf8)
        for part in [tenant, group, low, high] {
            message.append(0)
            message += Array(part.utf8)
        }
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: secret))
        return Self.base64url(Array(mac.prefix(24)))
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out: [UInt8] = []
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int((n >> UInt32(shift)) & 63)]) }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
