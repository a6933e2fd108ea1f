import Crypto
import Foundation

/// Secrets of a device's config (the IPsec `pre-shared-key`s and the CRP `secret`) never enter the archive in
/// clear: each value is replaced by `cms-redacted:sha256:<16 hex>` of itself, so a changed secret still shows as a
/// changed line in `cms config diff`, but the archive (and its remote) holds no secret. Pure.
///
/// A restore of an archived file puts the secrets back from the device's current config (``unredact(_:format:using:)``):
/// a marker whose secret the device no longer has is refused, never sent as the device's new secret.
public enum ConfigRedaction {
    /// Element names (xml) and first words (show-config) whose value is a secret.
    public static let secretLeaves = ["pre-shared-key", "secret"]
    static let prefix = "cms-redacted:sha256:"

    public struct Failure: Error, CustomStringConvertible, Sendable, Equatable {
        public var description: String
    }

    /// The marker of a secret value.
    public static func marker(_ value: String) -> String {
        let digest = SHA256.hash(data: Data(value.utf8))
        return prefix + digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// `bytes` of `format` with every secret value replaced by its marker (tgz is opaque and left as is).
    public static func redact(_ bytes: [UInt8], format: ArchiveFormat) -> [UInt8] {
        rewrite(bytes, format: format) { value in value.hasPrefix(prefix) ? value : marker(value) }
    }

    /// Whether `bytes` hold a redaction marker.
    public static func isRedacted(_ bytes: [UInt8]) -> Bool {
        String(decoding: bytes, as: UTF8.self).contains(prefix)
    }

    /// `bytes` with each marker replaced by the secret of `running` (same format) that has that marker.
    public static func unredact(_ bytes: [UInt8], format: ArchiveFormat, using running: [UInt8]) throws(Failure)
        -> [UInt8]
    {
        var known: [String: String] = [:]
        _ = rewrite(running, format: format) { value in
            known[marker(value)] = value
            return value
        }
        var missing: [String] = []
        let result = rewrite(bytes, format: format) { value in
            guard value.hasPrefix(prefix) else { return value }
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
