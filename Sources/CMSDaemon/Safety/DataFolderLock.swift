import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive `flock(2)` on `<data>/cmsd.lock`, held for the life of the process: two `cmsd` on one data folder
/// would write the same stores and both answer the same devices. The holder writes its pid into the file, so the
/// second start can name it. The kernel drops the lock when the holder exits, even on `kill -9`: no stale lock.
public final class DataFolderLock: Sendable {
    public let path: String
    private let descriptor: Int32

    public struct Held: Error, CustomStringConvertible, Equatable {
        public let folder: String
        public let pid: Int32?
        public var description: String {
            let holder = pid.map { "another cmsd (pid \($0))" } ?? "another cmsd"
            return "the data folder \(folder) is in use by \(holder); stop it first, or give this one another --data"
        }
    }

    public struct Failed: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot lock \(path): \(reason)" }
    }

    /// Takes the lock without waiting, creating the folder (0700) and the lock file if needed.
    public init(dataFolder: String) throws {
        try? FileManager.default.createDirectory(
            atPath: dataFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = dataFolder + "/cmsd.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failed(path: path, reason: String(cString: strerror(errno))) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            defer { close(fd) }
            guard code == EWOULDBLOCK else { throw Failed(path: path, reason: String(cString: strerror(code))) }
            throw Held(folder: dataFolder, pid: Self.readPid(fd))
        }
        _ = ftruncate(fd, 0)
        let line = "\(getpid())\n"
        _ = line.withCString { pwrite(fd, $0, strlen($0), 0) }
        self.path = path
        self.descriptor = fd
    }

    private static func readPid(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text)
    }

    /// Releases the lock (also done by the kernel when the process ends).
    deinit {
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
