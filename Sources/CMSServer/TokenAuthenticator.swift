import CMSAPI

/// Checks `Authorization: Bearer …` headers against the configured tokens.
///
/// Every configured token is compared, each in time that depends only on the lengths involved (never
/// on where the first differing byte is), so response timing does not reveal a token prefix.
struct TokenAuthenticator: Sendable {
    private let entries: [(token: [UInt8], grant: TokenGrant)]

    init(tokens: [String: TokenGrant]) {
        entries = tokens.filter { !$0.key.isEmpty }.map { (Array($0.key.utf8), $0.value) }
    }

    /// The grant for an `Authorization` header value, or a 401 ``APIError`` saying what is wrong.
    func grant(authorization: String?) throws(APIError) -> TokenGrant {
        guard let authorization, !authorization.isEmpty else {
            throw APIError(
                status: 401, code: "unauthorized",
                message: "missing bearer token: send the header 'Authorization: Bearer TOKEN'")
        }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError(
                status: 401, code: "unauthorized",
                message: "the Authorization header must be 'Bearer TOKEN'")
        }
        let presented = Array(parts[1].trimmingSpaces.utf8)
        var found: TokenGrant?
        for entry in entries where Self.constantTimeEqual(entry.token, presented) {
            found = entry.grant
        }
        guard let found else {
            throw APIError(status: 401, code: "unauthorized", message: "the bearer token is not valid")
        }
        return found
    }

    /// Compares two byte strings without an early exit: the loop always runs over the longer length.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: lhs.count ^ rhs.count) | (lhs.count == rhs.count ? 0 : 1)
        let length = max(lhs.count, rhs.count)
        for index in 0..<length {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return text
    }
}
