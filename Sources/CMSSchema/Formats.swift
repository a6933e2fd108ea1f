import CRP

/// The text formats of SPEC (codes, names, interfaces, addresses, IKE IDs); each returns a problem or `nil`.
enum Formats {
    /// Device code: 1–16 of `[a-z0-9_]`, first a lowercase letter; or an 11-digit serial number.
    static func isDeviceCode(_ code: String) -> Bool {
        let s = Array(code.unicodeScalars)
        if s.count == 11 && s.allSatisfy(Chars.isDigit) { return true }
        guard (1...16).contains(s.count), Chars.isLower(s[0]) else { return false }
        return s.allSatisfy { Chars.isLower($0) || Chars.isDigit($0) || $0 == "_" }
    }

    /// Tenant code: 1–16 of `[a-z0-9_-]`, first a letter.
    static func isTenantCode(_ code: String) -> Bool {
        let s = Array(code.unicodeScalars)
        guard (1...16).contains(s.count), Chars.isLower(s[0]) else { return false }
        return s.allSatisfy { Chars.isLower($0) || Chars.isDigit($0) || $0 == "_" || $0 == "-" }
    }

    /// `ethernetN`, `pppN` or `tunnelN`.
    static func isInterfaceName(_ name: String) -> Bool {
        for prefix in ["ethernet", "ppp", "tunnel"] where name.hasPrefix(prefix) {
            let number = name.dropFirst(prefix.count)
            return !number.isEmpty && number.count <= 5 && number.unicodeScalars.allSatisfy(Chars.isDigit)
        }
        return false
    }

    /// Config file name: ≤32 of `[A-Za-z0-9_]` plus `.xml`, `.tgz` or `.config`.
    static func isConfigFileName(_ name: String) -> Bool {
        for ext in [".xml", ".tgz", ".config"] where name.hasSuffix(ext) {
            let base = name.dropLast(ext.count)
            return (1...32).contains(base.count)
                && base.unicodeScalars.allSatisfy { Chars.isAlnum($0) || $0 == "_" }
        }
        return false
    }

    /// Firmware version: 1–16 of `[A-Za-z0-9_./-]`.
    static func isFirmwareVersion(_ version: String) -> Bool {
        (1...16).contains(version.count)
            && version.unicodeScalars.allSatisfy { Chars.isAlnum($0) || "_./-".unicodeScalars.contains($0) }
    }

    static func isSHA256(_ text: String) -> Bool {
        text.unicodeScalars.count == 64 && text.unicodeScalars.allSatisfy(Chars.isHex)
    }

    /// `SHA256:` + 43 characters of unpadded base64 (OpenSSH's fingerprint form).
    static func isHostKeyFingerprint(_ text: String) -> Bool {
        guard text.hasPrefix("SHA256:") else { return false }
        let body = text.dropFirst(7)
        return body.count == 43
            && body.unicodeScalars.allSatisfy { Chars.isAlnum($0) || $0 == "+" || $0 == "/" }
    }

    /// A dotted-quad IPv4 address (no leading zeros): CRP's strict parser, the one address parser of the project.
    static func isIPv4(_ text: String) -> Bool {
        IPAddress(text)?.family == .ipv4
    }

    /// An IPv6 address (`::` shorthand and a dotted IPv4 tail allowed, no zone, no brackets).
    static func isIPv6(_ text: String) -> Bool {
        IPAddress(text)?.family == .ipv6
    }

    /// `address/prefix` (IPv4 ≤32, IPv6 ≤128) or the word `host`.
    static func lanNetwork(_ text: String) -> (address: String, length: Int)?? {
        if text == "host" { return .some(nil) }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let length = Int(parts[1]), parts[1].unicodeScalars.allSatisfy(Chars.isDigit)
        else { return nil }
        let address = String(parts[0])
        if isIPv4(address), (0...32).contains(length) { return .some((address, length)) }
        if isIPv6(address), (0...128).contains(length) { return .some((address, length)) }
        return nil
    }

    /// `local@domain` with a dotted domain and no spaces or line breaks.
    static func isMailAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix(".")
        else { return false }
        return text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7f }
    }

    /// The IKE ID rules of SPEC §6 (guide §3.4.4); `nil` when valid.
    static func ikeIDProblem(_ value: String, userFQDN: Bool) -> String? {
        guard !value.isEmpty else { return "is empty" }
        guard value.count <= 128 else { return "is \(value.count) characters long; at most 128 are allowed" }
        var fqdn = Substring(value)
        if userFQDN {
            let parts = value.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2 else { return "must be user@fqdn with exactly one @" }
            guard !parts[0].isEmpty,
                parts[0].unicodeScalars.allSatisfy({ Chars.isAlnum($0) || $0 == "-" || $0 == "." || $0 == "_" })
            else { return "has a user part that is empty or not letters, digits, `-`, `.`, `_`" }
            fqdn = parts[1]
        }
        return fqdnProblem(fqdn)
    }

    /// One pass over the bytes (this runs for every device's default ID, so no splitting or substring search).
    private static func fqdnProblem(_ fqdn: Substring) -> String? {
        let bytes = fqdn.utf8
        guard let first = bytes.first else { return "has an empty FQDN" }
        if first == UInt8(ascii: ".") { return "must not start with `.`" }
        var previous: UInt8 = 0
        var labelLength = 0
        for byte in bytes {
            let isAlnum =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
            let isDash = byte == UInt8(ascii: "-")
            let isDot = byte == UInt8(ascii: ".")
            guard isAlnum || isDash || isDot else { return "may hold only letters, digits, `-` and `.` in its FQDN" }
            if isDot && previous == UInt8(ascii: ".") { return "must not contain `..`" }
            if isDash && previous == UInt8(ascii: "-") { return "must not contain `--`" }
            if isDot {
                if previous == UInt8(ascii: "-") { return "has a label starting or ending with `-`" }
                labelLength = 0
            } else {
                if isDash && labelLength == 0 { return "has a label starting or ending with `-`" }
                labelLength += 1
                if labelLength > 63 { return "has a label longer than 63 characters" }
            }
            previous = byte
        }
        if previous == UInt8(ascii: "-") { return "has a label starting or ending with `-`" }
        return nil
    }
}
