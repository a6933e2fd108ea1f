import Foundation
import ZIPFoundation

/// The input of an import: the CSV bytes, and the config files that came with it in a ZIP.
public struct DeviceListBundle: Sendable {
    /// Limits that protect the importer from hostile or mistaken inputs.
    public struct Limits: Sendable {
        /// The original CMS accepts ZIPs of at most 3 MB.
        public var maxArchiveBytes: Int = 3 * 1024 * 1024
        /// Cap on the decompressed bytes of all entries together (declared and actual).
        public var maxExpandedBytes: Int = 32 * 1024 * 1024
        /// Cap on a plain CSV file.
        public var maxCSVBytes: Int = 32 * 1024 * 1024
        public init() {}
    }

    /// Name of the CSV (the file name, or the entry name inside the ZIP).
    public var csvName: String
    public var csv: Data
    /// Config files from the ZIP by file name; empty for a plain CSV.
    public var files: [String: Data]
    /// `true` when the input was a ZIP (config files may come with it).
    public var isArchive: Bool

    public init(csvName: String, csv: Data, files: [String: Data] = [:], isArchive: Bool = false) {
        self.csvName = csvName
        self.csv = csv
        self.files = files
        self.isArchive = isArchive
    }

    /// Reads a ZIP held in memory, refusing anything that could escape the repository or exhaust memory:
    /// paths with `..`, absolute paths, folders (the archive must be flat), links, entries whose declared
    /// or actual decompressed size exceeds the cap, archives over 3 MB, corrupt data (CRC mismatch).
    public static func fromArchive(_ bytes: Data, limits: Limits = Limits()) throws(ImportError) -> DeviceListBundle {
        guard bytes.count <= limits.maxArchiveBytes else {
            throw .archiveTooLarge(size: bytes.count, limit: limits.maxArchiveBytes)
        }
        // Not `Archive(data:)`: ZIPFoundation's in-memory file traps (a negative range in its read callback)
        // when a forged central directory or local header points past the end of the data — found by the
        // `zip` fuzz harness. A file-backed archive reads short there instead, and the ZIP is refused as
        // malformed. So the bytes go to a private (0600) temporary file that lives only for this call.
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("cms-import-\(UUID().uuidString).zip")
        guard FileManager.default.createFile(atPath: file.path, contents: bytes,
                                             attributes: [.posixPermissions: 0o600])
        else {
            throw .unreadable(path: file.path, reason: "cannot write a temporary copy of the ZIP; is TMPDIR writable?")
        }
        defer { try? FileManager.default.removeItem(at: file) }
        let archive: Archive
        do {
            archive = try Archive(url: file, accessMode: .read)
        } catch {
            throw .archiveMalformed(reason: "not a ZIP archive (\(error))")
        }
        let entries = Array(archive)
        // Check every name and declared size before decompressing a single byte.
        var declared: UInt64 = 0
        var seen: Set<String> = []
        for entry in entries {
            let name = entry.path
            if let reason = unsafeNameReason(name) { throw .archiveUnsafeEntry(entry: name, reason: reason) }
            switch entry.type {
            case .directory:
                throw .archiveUnsafeEntry(
                    entry: name, reason: "it is a folder; the ZIP must be flat (files side by side)")
            case .symlink:
                throw .archiveUnsafeEntry(entry: name, reason: "it is a symbolic link; only plain files are accepted")
            case .file:
                break
            }
            guard seen.insert(name).inserted else { throw .archiveDuplicateEntry(name) }
            let (sum, overflow) = declared.addingReportingOverflow(entry.uncompressedSize)
            declared = sum
            if overflow || declared > UInt64(limits.maxExpandedBytes) {
                throw .archiveEntryTooLarge(entry: name, limit: limits.maxExpandedBytes)
            }
        }
        let csvNames = entries.map(\.path).filter { $0.lowercased().hasSuffix(".csv") }
        guard let csvName = csvNames.first else { throw .archiveNoCSV }
        guard csvNames.count == 1 else { throw .archiveSeveralCSV(csvNames) }
        for entry in entries where entry.path != csvName {
            if let problem = DeviceListRules.configNameProblem(entry.path) {
                throw .archiveUnsafeEntry(entry: entry.path, reason: "not a device list or config file: \(problem)")
            }
        }

        // Decompress, counting actual bytes: a forged header must not let more through than declared.
        var total = 0
        var contents: [String: Data] = [:]
        for entry in entries {
            var data = Data()
            let checksum: CRC32
            do {
                checksum = try archive.extract(entry, skipCRC32: false) { chunk in
                    total += chunk.count
                    if total > limits.maxExpandedBytes || data.count + chunk.count > Int(entry.uncompressedSize) {
                        throw CapExceeded()
                    }
                    data.append(chunk)
                }
            } catch is CapExceeded {
                throw .archiveEntryTooLarge(entry: entry.path, limit: limits.maxExpandedBytes)
            } catch {
                throw .archiveMalformed(reason: "entry \"\(entry.path)\" cannot be decompressed (\(error))")
            }
            guard checksum == entry.checksum, data.count == Int(entry.uncompressedSize) else {
                throw .archiveMalformed(reason: "entry \"\(entry.path)\" is corrupt (size or CRC-32 mismatch)")
            }
            contents[entry.path] = data
        }
        let csv = contents.removeValue(forKey: csvName) ?? Data()
        return DeviceListBundle(csvName: csvName, csv: csv, files: contents, isArchive: true)
    }

    /// Why an entry name is refused, or nil. Only the name is judged here.
    static func unsafeNameReason(_ name: String) -> String? {
        if name.isEmpty { return "it has an empty name" }
        if name.hasPrefix("/") { return "it has an absolute path" }
        if name.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
            return "its path contains \"..\""
        }
        if name.contains("/") { return "it is inside a folder; the ZIP must be flat (files side by side)" }
        // A backslash is a path separator on Windows. In Shift_JIS names stored without the UTF-8 flag the
        // byte 0x5C can be half of a Japanese character, so only pure-ASCII names are judged by it.
        if name.unicodeScalars.allSatisfy(\.isASCII), name.contains("\\") {
            return "it contains a backslash (a Windows folder separator); the ZIP must be flat"
        }
        if name.unicodeScalars.contains(where: DeviceListRules.isControl) {
            return "its name holds a control character"
        }
        return nil
    }

    private struct CapExceeded: Error {}
}
