import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Secrets of a device's config (the IPsec `pre-shared-key`s and the CRP `secret`) never enter the archive in
/// clear: each value is replaced by `cms-redacted:hmac-sha256:<16 hex>`, an HMAC-SHA256 of the value under the
/// tenant's redaction key (``RedactionKey``, kept in the data folder, never in the archive nor pushed). A changed
/// secret still shows as a changed line in `cms config diff`; the archive (and its remote) holds no secret, and —
/// the key being elsewhere — no unsalted hash to test guesses of a weak pre-shared key against. Pure.
///
/// A restore of an archived file puts the secrets back from the device's current config (``unredact(_:format:using:key:)``):
/// a marker whose secret the device no longer has is refused, never sent as the device's new secret. Markers of
/// the first archives (`cms-redacted:sha256:`, an unkeyed hash) are still recognised.
public enum ConfigRedaction {
    /// Element names (xml) and first words (show-config) whose value is a secret.
    public static let secretLeaves = ["pre-shared-key", "secret"]
    static let prefix = "cms-redacted:hmac-sha256:"
    /// The unkeyed markers the archive wrote before the redaction key (read, never written).
    static let legacyPrefix = "cms-redacted:sha256:"

    public struct Failure: Error, CustomStringConvertible, Sendable, Equatable {
        public var description: String
    }

    /// The marker of a secret value under `key`.
    public static func marker(_ value: String, key: RedactionKey) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: SymmetricKey(data: key.bytes))
        return prefix + code.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    static func legacyMarker(_ value: String) -> String {
        let digest = SHA256.hash(data: Data(value.utf8))
        return legacyPrefix + digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    static func isMarker(_ value: String) -> Bool { value.hasPrefix(prefix) || value.hasPrefix(legacyPrefix) }

    /// `bytes` of `format` with every secret value replaced by its marker (tgz is opaque and left as is).
    public static func redact(_ bytes: [UInt8], format: ArchiveFormat, key: RedactionKey) -> [UInt8] {
        rewrite(bytes, format: format) { value in isMarker(value) ? value : marker(value, key: key) }
    }

    /// Whether `bytes` hold a redaction marker.
    public static func isRedacted(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.contains(prefix) || text.contains(legacyPrefix)
    }

    /// `bytes` with each marker replaced by the secret of `running` (same format) that has that marker.
    public static func unredact(_ bytes: [UInt8], format: ArchiveFormat, using running: [UInt8], key: RedactionKey)
        throws(Failure) -> [UInt8]
    {
        var known: [String: String] = [:]
        _ = rewrite(running, format: format) { value in
            known[marker(value, key: key)] = value
            known[legacyMarker(value)] = value
            return value
        }
        var missing: [String] = []
        let result = rewrite(bytes, format: format) { value in
            guard isMarker(value) else { return value }
            guard let secret = known[value] else {
                missing.append(value)
                return value
            }
            return secret
        }
        guard missing.isEmpty else {
            throw Failure(
                description:
                    "the file holds \(missing.count) redacted secret(s) (\(missing.joined(separator: ", "))) the device "
                    + "no longer has; restore a file with the secrets written out, or set them again first")
        }
        return result
    }

    private static func rewrite(_ bytes: [UInt8], format: ArchiveFormat, _ change: (String) -> String) -> [UInt8] {
        switch format {
        case .tgz:
            return bytes
        case .xml:
            var text = String(decoding: bytes, as: UTF8.self)
            for leaf in secretLeaves {
                let pattern = "(<(?:[A-Za-z_][\\w.-]*:)?\(leaf)(?:\\s[^>]*)?>)([^<]*)(</(?:[A-Za-z_][\\w.-]*:)?\(leaf)>)"
                guard let regex = try? NSRegularExpression(pattern: pattern) else { continue }
                let whole = text as NSString
                var out = ""
                var last = 0
                for match in regex.matches(in: text, range: NSRange(location: 0, length: whole.length)) {
                    out += whole.substring(with: NSRange(location: last, length: match.range.location - last))
                    out += whole.substring(with: match.range(at: 1))
                    out += change(whole.substring(with: match.range(at: 2)))
                    out += whole.substring(with: match.range(at: 3))
                    last = match.range.location + match.range.length
                }
                out += whole.substring(from: last)
                text = out
            }
            return Array(text.utf8)
        case .showConfig:
            let text = String(decoding: bytes, as: UTF8.self)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                let indent = line.prefix { $0 == " " }
                let rest = line.dropFirst(indent.count)
                for leaf in secretLeaves where rest.hasPrefix(leaf + " ") {
                    let value = String(rest.dropFirst(leaf.count + 1))
                    return "\(indent)\(leaf) \(change(value))"
                }
                return String(line)
            }
            return Array(lines.joined(separator: "\n").utf8)
        }
    }
}

/// A tenant's key for the archive's secret markers (``ConfigRedaction``): 32 random bytes in
/// `<data>/archive/<tenant>.redaction-key` (mode 0600), made on first use. It is not in the archive and not pushed;
/// a tenant backup of the data folder carries it. Lost, the old markers can no longer be matched to the device's
/// secrets: restoring such a file is refused (its secrets must be written out), never sent with a marker.
public struct RedactionKey: Sendable, Hashable {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// A fresh random key (tests).
    public static func random() -> RedactionKey {
        var generator = SystemRandomNumberGenerator()
        return RedactionKey(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Reads the key at `path`, creating it (0600, exclusively: two processes never make two keys) when absent.
    /// Blocking: call it where blocking is allowed (at start).
    public static func loadOrCreate(path: String) throws(ArchiveError) -> RedactionKey {
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else {
                throw .repository(
                    path: path, detail: "the redaction key has \(data.count) bytes, not 32; restore it from a backup")
            }
            return RedactionKey(bytes: Array(data))
        }
        let key = random()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { return try loadOrCreate(path: path) }
            throw .repository(path: path, detail: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        let written = key.bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == key.bytes.count, fsync(descriptor) == 0 else {
            unlink(path)
            throw .repository(path: path, detail: "cannot write the redaction key")
        }
        return key
    }
}
