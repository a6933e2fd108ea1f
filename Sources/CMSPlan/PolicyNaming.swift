import Crypto
import NXRModel

/// Names of the policies `cms` generates: `cms-<group>-<peer>`, stable, ≤64 characters of
/// `[A-Za-z0-9_.-]`, distinct for distinct (group, peer) pairs.
///
/// - `<group>` is the group name itself when it is 1–32 characters of `[A-Za-z0-9_.-]` with no `--`;
///   otherwise the first ≤21 usable characters (others become `_`) + `--` + 10 hex digits of the
///   SHA-256 of the name. The two forms cannot meet: only the second contains `--`.
/// - `<peer>` is the peer's device code (1–16 of `[a-z0-9_]` or an 11-digit serial: never a `-`), so the
///   last `-` of a name separates the two parts.
public enum PolicyNaming {
    /// The generated name of a device's policies towards `peer` in `group`.
    public static func name(group: String, peer: DeviceCode) -> String {
        name(groupPart: groupPart(group), peer: peer)
    }

    /// The name from an already computed ``groupPart(_:)``.
    static func name(groupPart: String, peer: DeviceCode) -> String {
        NXRNamespace.managedPrefix + groupPart + "-" + peerPart(peer)
    }

    /// The group part of a policy name.
    public static func groupPart(_ group: String) -> String {
        let bytes = Array(group.utf8)
        let doubleDash = zip(bytes, bytes.dropFirst()).contains { $0 == 0x2D && $1 == 0x2D }
        if (1...32).contains(bytes.count), bytes.allSatisfy(isNameByte), !doubleDash {
            return group
        }
        var prefix = ""
        for scalar in group.unicodeScalars {
            guard prefix.utf8.count < 21 else { break }
            if scalar.isASCII, isNameByte(UInt8(scalar.value)) {
                // Never end the readable part inside a `--`: it would read as the separator.
                if scalar == "-" && prefix.hasSuffix("-") {
                    prefix.append("_")
                } else {
                    prefix.unicodeScalars.append(scalar)
                }
            } else {
                prefix.append("_")
            }
        }
        while prefix.hasSuffix("-") { prefix.removeLast() }
        return prefix + "--" + hexDigest(group, count: 10)
    }

    /// The peer part: the device code when it is a valid code, else a digest (a snapshot that passed
    /// `cms-lint` never needs it).
    public static func peerPart(_ code: DeviceCode) -> String {
        let bytes = Array(code.utf8)
        let valid =
            (1...16).contains(bytes.count)
            && bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
        return valid ? code : "x" + hexDigest(code, count: 15)
    }

    static func isNameByte(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x5F
            || b == 0x2E || b == 0x2D
    }

    static func hexDigest(_ text: String, count: Int) -> String {
        let digest = SHA256.hash(data: Array(text.utf8))
        return String(digest.flatMap { byte in [byte >> 4, byte & 0xF] }.prefix(count).map { hexDigit($0) })
    }

    private static func hexDigit(_ nibble: UInt8) -> Character {
        Character(Unicode.Scalar(nibble < 10 ? 0x30 + nibble : 0x57 + nibble))
    }
}
