/// Byte-level field rules shared by encoder and decoder (docs/crp.md §5).
enum CRPRules {
    static func isLower(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7A }
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    static func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }

    /// Tenant code: 1–16 of `[a-z0-9_-]`, first a lowercase letter.
    static func isTenantCode(_ v: some Collection<UInt8>) -> Bool {
        guard (1...16).contains(v.count), let first = v.first, isLower(first) else { return false }
        return v.allSatisfy { isLower($0) || isDigit($0) || $0 == 0x5F || $0 == 0x2D }
    }

    /// Device code: 1–16 of `[a-z0-9_]`, first a lowercase letter.
    static func isDeviceCode(_ v: some Collection<UInt8>) -> Bool {
        guard (1...16).contains(v.count), let first = v.first, isLower(first) else { return false }
        return v.allSatisfy { isLower($0) || isDigit($0) || $0 == 0x5F }
    }

    /// Serial: exactly 11 ASCII digits.
    static func isSerial(_ v: some Collection<UInt8>) -> Bool { v.count == 11 && v.allSatisfy(isDigit) }

    /// Product: 1–32 of `[A-Za-z0-9._-]`.
    static func isProduct(_ v: some Collection<UInt8>) -> Bool {
        guard (1...32).contains(v.count) else { return false }
        return v.allSatisfy { isLower($0) || isUpper($0) || isDigit($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
    }

    static func check(_ endpoint: Announcement.Endpoint) throws(CRPError) {
        guard endpoint.port != 0 else { throw .invalidPort }
        let a = endpoint.address
        guard !a.isUnspecified, !a.isMulticast, !a.isLimitedBroadcast else { throw .invalidAddress }
    }
}
