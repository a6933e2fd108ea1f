import Foundation

/// A problem that stops the whole import before any line is checked (unreadable input, unsafe
/// archive, undecodable text). Per-line problems are not errors but ``LineVerdict/error(_:)`` results.
///
/// Each case names its subject and says what to do; ``code`` is stable for scripts.
public enum ImportError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case unsupportedInput(path: String)
    case inputTooLarge(path: String, size: Int, limit: Int)
    case undecodable(encoding: CSVEncoding, byteOffset: Int)
    case encodingUnavailable(CSVEncoding)
    case archiveTooLarge(size: Int, limit: Int)
    case archiveMalformed(reason: String)
    case archiveUnsafeEntry(entry: String, reason: String)
    case archiveEntryTooLarge(entry: String, limit: Int)
    case archiveNoCSV
    case archiveSeveralCSV([String])
    case archiveDuplicateEntry(String)
    case repoNotFound(path: String)
    case repoUnreadable(path: String, reason: String)
    case writeFailed(path: String, reason: String)

    /// Stable identifier, e.g. `zip-unsafe-entry`.
    public var code: String {
        switch self {
        case .unreadable: "input-unreadable"
        case .unsupportedInput: "input-unsupported"
        case .inputTooLarge: "input-too-large"
        case .undecodable: "input-undecodable"
        case .encodingUnavailable: "encoding-unavailable"
        case .archiveTooLarge: "zip-too-large"
        case .archiveMalformed: "zip-malformed"
        case .archiveUnsafeEntry: "zip-unsafe-entry"
        case .archiveEntryTooLarge: "zip-bomb"
        case .archiveNoCSV: "zip-no-csv"
        case .archiveSeveralCSV: "zip-several-csv"
        case .archiveDuplicateEntry: "zip-duplicate-entry"
        case .repoNotFound: "repo-not-found"
        case .repoUnreadable: "repo-unreadable"
        case .writeFailed: "write-failed"
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "cannot read \(path): \(reason)"
        case .unsupportedInput(let path):
            "\(path): the device list must be a .csv file or a .zip holding one .csv and config files"
        case .inputTooLarge(let path, let size, let limit):
            "\(path) is \(size) bytes; a device-list CSV may be at most \(limit) bytes — split it"
        case .undecodable(let encoding, let offset):
            "the device list is not valid \(encoding.rawValue) (first bad byte at offset \(offset)); "
                + "choose the file's encoding with --encoding utf-8|shift_jis|euc-jp"
        case .encodingUnavailable(let encoding):
            "this system's iconv cannot convert \(encoding.rawValue); install the glibc gconv modules"
        case .archiveTooLarge(let size, let limit):
            "the ZIP is \(size) bytes; the original CMS accepts at most \(limit) bytes (3 MB) — split the device list"
        case .archiveMalformed(let reason):
            "the ZIP cannot be read: \(reason)"
        case .archiveUnsafeEntry(let entry, let reason):
            "the ZIP entry \"\(entry)\" is refused: \(reason); nothing was imported"
        case .archiveEntryTooLarge(let entry, let limit):
            "the ZIP entry \"\(entry)\" decompresses beyond \(limit) bytes in total (a zip bomb?); nothing was imported"
        case .archiveNoCSV:
            "the ZIP holds no .csv device list; put the CSV and the config files side by side, without folders"
        case .archiveSeveralCSV(let names):
            "the ZIP holds several .csv files (\(names.joined(separator: ", "))); keep exactly one device list"
        case .archiveDuplicateEntry(let name):
            "the ZIP holds \"\(name)\" twice; keep one copy"
        case .repoNotFound(let path):
            "\(path) is not a folder; pass the tenant repository with --repo DIR"
        case .repoUnreadable(let path, let reason):
            "cannot read \(path) of the tenant repository: \(reason)"
        case .writeFailed(let path, let reason):
            "cannot write \(path): \(reason); check the permissions and free space of the repository, then import again"
        }
    }
}
