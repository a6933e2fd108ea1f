import CMSBackup
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Small POSIX file helpers: 0600/0700 modes, fsync, rename, no symbolic links followed.
enum FileIO {
    static func makeFolder(_ path: String) throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    static func write(_ bytes: [UInt8], to path: String, mode: Int) throws {
        try makeFolder((path as NSString).deletingLastPathComponent)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode_t(mode))
        guard fd >= 0 else { throw RestoreProblem.failed("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        fchmod(fd, mode_t(mode))
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { throw RestoreProblem.failed("cannot write \(path): \(String(cString: strerror(errno)))") }
            offset += count
        }
        guard fsync(fd) == 0 else { throw RestoreProblem.failed("cannot sync \(path)") }
    }

    static func read(_ path: String, limit: Int = 64 << 20) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw RestoreProblem.failed("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            guard count > 0 else { throw RestoreProblem.failed("cannot read \(path)") }
            bytes.append(contentsOf: buffer[0..<count])
            guard bytes.count <= limit else { throw RestoreProblem.failed("\(path) is larger than \(limit) bytes") }
        }
    }

    /// Streams a file in blocks.
    static func stream(_ path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw RestoreProblem.failed("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return }
            guard count > 0 else { throw RestoreProblem.failed("cannot read \(path)") }
            try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
    }

    static func size(_ path: String) -> Int64 {
        var info = stat()
        return lstat(path, &info) == 0 ? Int64(info.st_size) : 0
    }

    /// Copies a regular file (never a link); returns its permission bits.
    static func copy(_ from: String, to: String) throws -> Int {
        var info = stat()
        guard lstat(from, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw RestoreProblem.failed("\(from) is not a regular file")
        }
        let mode = Int(info.st_mode & 0o777)
        try write(try read(from), to: to, mode: mode)
        return mode
    }

    /// Regular files below `folder`, relative paths, sorted; links and other kinds are skipped.
    static func regularFiles(under folder: String) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        var result: [String] = []
        while let relative = enumerator.nextObject() as? String {
            var info = stat()
            if lstat(folder + "/" + relative, &info) == 0, info.st_mode & S_IFMT == S_IFREG { result.append(relative) }
        }
        return result.sorted()
    }

    static func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else {
            throw RestoreProblem.failed("cannot rename \(from) to \(to): \(String(cString: strerror(errno)))")
        }
    }

    static func syncFolder(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    static func syncFile(_ path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    /// Free bytes for an unprivileged writer in the file system holding `path`.
    static func freeBytes(_ path: String) -> Int64 {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return 0 }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    static func randomSuffix() -> String { String(UInt64.random(in: 0...UInt64.max), radix: 36) }
}
