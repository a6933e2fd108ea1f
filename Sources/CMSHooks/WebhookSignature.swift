import Foundation
import Crypto

/// The git forges whose push webhooks `cmsd` understands.
public enum Forge: String, Sendable, Hashable, Codable, CaseIterable {
    case github, gitlab, gitea
}

/// Why a delivery is not authentic.
public enum WebhookRejection: String, Error, Sendable, Hashable, Codable, CaseIterable {
    /// None of `X-Hub-Signature-256`, `X-Gitea-Signature`, `X-Gitlab-Token`.
    case unsigned
    /// A signature header that is not `sha256=<64 hex digits>` (GitHub) or 64 hex digits (Gitea).
    case malformedSignature
    /// The HMAC-SHA256 of the body with the tenant's secret differs, or the GitLab token is not the secret.
    case wrongSignature

    public var message: String {
        switch self {
        case .unsigned:
            return "the delivery is not signed: set the webhook's secret (GitHub, Gitea) or secret token (GitLab) to "
                + "the tenant's webhook secret"
        case .malformedSignature:
            return "the signature header is not an HMAC-SHA256 in hex (X-Hub-Signature-256: sha256=…, X-Gitea-Signature: …)"
        case .wrongSignature:
            return "the signature does not match the tenant's webhook secret"
        }
    }
}

/// Checks a delivery's signature against the tenant's secret, before anything of the body is parsed.
///
/// - GitHub (and Gitea, which sends it too): `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>`.
/// - Gitea: `X-Gitea-Signature: <hex HMAC-SHA256(secret, raw body)>`.
/// - GitLab: `X-Gitlab-Token: <secret>` (GitLab does not sign; its token is compared in constant time).
///
/// Every comparison takes the same time whatever matches (swift-crypto's `isValidAuthenticationCode` for the
/// MACs). When several headers are present, the first present of the order above decides: a delivery cannot pass
/// with a weaker header when it carries a wrong stronger one.
public enum WebhookSignature {
    /// `headers` with lower-cased names.
    public static func verify(headers: [String: String], body: [UInt8], secret: [UInt8]) -> Result<Void, WebhookRejection> {
        let key = SymmetricKey(data: secret)
        if let header = headers["x-hub-signature-256"] {
            let text = header.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("sha256="), let mac = hex(text.dropFirst("sha256=".count)), mac.count == 32 else {
                return .failure(.malformedSignature)
            }
            return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: key)
                ? .success(()) : .failure(.wrongSignature)
        }
        if let header = headers["x-gitea-signature"] {
            guard let mac = hex(Substring(header.trimmingCharacters(in: .whitespaces))), mac.count == 32 else {
                return .failure(.malformedSignature)
            }
            return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: key)
                ? .success(()) : .failure(.wrongSignature)
        }
        if let token = headers["x-gitlab-token"] {
            return constantTimeEqual(Array(token.utf8), secret) ? .success(()) : .failure(.wrongSignature)
        }
        return .failure(.unsigned)
    }

    /// The hex signature a forge would send for `body` (tests, and `cms` tools that sign deliveries).
    public static func sign(_ body: [UInt8], secret: [UInt8]) -> String {
        HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret)).map {
            let digits = Array("0123456789abcdef")
            return String([digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]])
        }.joined()
    }

    /// Equal bytes, in a time that depends only on the lengths: both are hashed first, so neither the position of
    /// the first difference nor the secret's length shows in the timing.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let key = SymmetricKey(size: .bits256)
        let mac = HMAC<SHA256>.authenticationCode(for: a, using: key)
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: b, using: key)
    }

    static func hex(_ text: Substring) -> [UInt8]? {
        guard text.utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count / 2)
        var high: UInt8?
        for character in text.utf8 {
            let value: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return bytes
    }
}
