import CLibArchive
import CMSBackup
import Foundation

/// Writes a `.tar.gz` (POSIX pax, gzip) through libarchive: regular files only, mode 0600, owner 0, fixed time.
final class TarGzWriter {
    /// libarchive's `AE_IFREG` (a cast macro Swift does not import).
    static let regularFile: UInt32 = 0o100000
    private let archive: OpaquePointer
    private var closed = false

    init(path: String) throws(RestoreProblem) {
        guard let archive = archive_write_new() else { throw .failed("libarchive cannot allocate a writer") }
        self.archive = archive
        guard archive_write_add_filter_gzip(archive) == ARCHIVE_OK,
            archive_write_set_format_pax_restricted(archive) == ARCHIVE_OK,
            archive_write_open_filename(archive, path) == ARCHIVE_OK
        else {
            let message = Self.error(archive)
            archive_write_free(archive)
            closed = true
            throw .failed("cannot write \(path): \(message)")
        }
    }

    deinit { if !closed { archive_write_free(archive) } }

    /// Adds one member whose bytes `fill` produces in order (exactly `size` of them).
    func add(name: String, size: Int64, mtime: Int, fill: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        guard let entry = archive_entry_new() else { throw RestoreProblem.failed("libarchive cannot allocate an entry") }
        defer { archive_entry_free(entry) }
        archive_entry_set_pathname(entry, name)
        archive_entry_set_size(entry, size)
        archive_entry_set_filetype(entry, Self.regularFile)
        archive_entry_set_perm(entry, 0o600)
        archive_entry_set_mtime(entry, mtime, 0)
        guard archive_write_header(archive, entry) == ARCHIVE_OK else {
            throw RestoreProblem.failed("cannot add \(name): \(Self.error(archive))")
        }
        var written: Int64 = 0
        try fill { chunk in
            guard chunk.count > 0 else { return }
            let count = archive_write_data(archive, chunk.baseAddress, chunk.count)
            guard count == chunk.count else {
                throw RestoreProblem.failed("cannot write \(name): \(Self.error(self.archive))")
            }
            written += Int64(count)
        }
        guard written == size else { throw RestoreProblem.failed("\(name) changed size while being written") }
    }

    func add(name: String, bytes: [UInt8], mtime: Int) throws {
        try add(name: name, size: Int64(bytes.count), mtime: mtime) { write in
            try bytes.withUnsafeBytes { try write($0) }
        }
    }

    func finish() throws(RestoreProblem) {
        closed = true
        let rc = archive_write_close(archive)
        let message = Self.error(archive)
        archive_write_free(archive)
        guard rc == ARCHIVE_OK else { throw .failed("cannot finish the archive: \(message)") }
    }

    static func error(_ archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "libarchive error \(archive_errno(archive))"
    }
}

/// Reads a `.tar.gz` through libarchive, refusing anything that could escape the folder it is unpacked into:
/// only regular files with names ``MemberName`` accepts (no absolute path, no `..`, no links, devices or
/// folders), at most ``maxMembers`` entries, each at most ``maxMemberSize`` bytes and ``maxTotalSize`` in all.
/// Every refusal is `.corrupt`.
final class TarGzReader {
    static let maxMembers = 100_000
    static let maxMemberSize: Int64 = 8 << 30
    static let maxTotalSize: Int64 = 32 << 30

    private let archive: OpaquePointer
    private var count = 0
    private var total: Int64 = 0
    private var current: (name: String, size: Int64)?

    init(path: String) throws(RestoreProblem) {
        guard FileManager.default.fileExists(atPath: path) else { throw .fileMissing(path) }
        guard let archive = archive_read_new() else { throw .failed("libarchive cannot allocate a reader") }
        self.archive = archive
        guard archive_read_support_filter_gzip(archive) == ARCHIVE_OK,
            archive_read_support_format_tar(archive) == ARCHIVE_OK,
            archive_read_open_filename(archive, path, 64 * 1024) == ARCHIVE_OK
        else {
            // deinit frees the reader (every stored property is set, so it runs after a throwing init).
            throw .corrupt("not a .tar.gz backup (\(TarGzWriter.error(archive)))")
        }
    }

    deinit { archive_read_free(archive) }

    /// The next member's name and size, nil at the end.
    func next() throws(RestoreProblem) -> (name: String, size: Int64)? {
        var entry: OpaquePointer?
        let rc = archive_read_next_header(archive, &entry)
        if rc == ARCHIVE_EOF { return nil }
        guard rc == ARCHIVE_OK, let entry else { throw .corrupt("the archive is damaged (\(TarGzWriter.error(archive)))") }
        count += 1
        guard count <= Self.maxMembers else { throw .corrupt("more than \(Self.maxMembers) members") }
        guard let raw = archive_entry_pathname(entry) else { throw .corrupt("a member without a name") }
        let name = String(cString: raw)
        if let problem = MemberName.problem(name) { throw .corrupt("refused member: \(problem)") }
        guard archive_entry_filetype(entry) == TarGzWriter.regularFile, archive_entry_hardlink(entry) == nil,
            archive_entry_symlink(entry) == nil
        else { throw .corrupt("refused member \(name): not a regular file (links, folders and devices are refused)") }
        let size = archive_entry_size(entry)
        guard archive_entry_size_is_set(entry) != 0, size >= 0, size <= Self.maxMemberSize else {
            throw .corrupt("member \(name) has no size or is larger than \(Self.maxMemberSize) bytes")
        }
        total += size
        guard total <= Self.maxTotalSize else { throw .corrupt("the members add up to more than \(Self.maxTotalSize) bytes") }
        current = (name, size)
        return (name, size)
    }

    /// Streams the current member's bytes in blocks; exactly its declared size or `.corrupt`.
    func read(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let current else { return }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var read: Int64 = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
            if count == 0 { break }
            guard count > 0 else {
                throw RestoreProblem.corrupt("member \(current.name) is damaged (\(TarGzWriter.error(archive)))")
            }
            read += Int64(count)
            guard read <= current.size else { throw RestoreProblem.corrupt("member \(current.name) is longer than declared") }
            try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        guard read == current.size else { throw RestoreProblem.corrupt("member \(current.name) is truncated") }
        self.current = nil
    }

    /// The current member's bytes in memory (only for members below `limit`).
    func readAll(limit: Int64) throws -> [UInt8] {
        guard let current else { return [] }
        guard current.size <= limit else {
            throw RestoreProblem.corrupt("member \(current.name) is larger than \(limit) bytes")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(current.size))
        try read { bytes.append(contentsOf: $0) }
        return bytes
    }
}
