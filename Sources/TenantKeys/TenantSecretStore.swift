#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Crypto
import Foundation

/// Each tenant's server-held IPsec secret (the input of `PSKDerivation`): `<data>/tenants/<code>/ipsec.secret`,
/// 32 random bytes generated on first use and read back afterwards. Never in git, never logged.
///
/// The tenant folder is 0700 (created so; an existing one that only others can read is tightened to 0700, one
/// that others can write is refused) and the file 0600, both owned by the running user. The file is written to
/// a temporary name, synced and linked into place (never over an existing file), so a crash never leaves half
/// a secret and two processes starting at once end up with the same one. A file that others can read or
/// write, a symbolic link, or a file that is not exactly 32 bytes is refused with ``TenantSecretError``.
public struct TenantSecretStore: Sendable {
    /// The size of a secret, in bytes.
    public static let secretLength = 32
    /// The file name inside the tenant folder.
    public static let fileName = "ipsec.secret"

    public let dataFolder: String

    public init(dataFolder: String) { self.dataFolder = dataFolder }

    /// `<data>/tenants/<code>`.
    public func folder(for tenant: String) throws(TenantSecretError) -> String {
        guard !tenant.isEmpty, tenant.utf8.count <= 64,
            tenant.utf8.allSatisfy({ Self.isCodeByte($0) })
        else { throw .invalidTenantCode(tenant) }
        return dataFolder + "/tenants/" + tenant
    }

    /// `<data>/tenants/<code>/ipsec.secret`.
    public func secretPath(for tenant: String) throws(TenantSecretError) -> String {
        try folder(for: tenant) + "/" + Self.fileName
    }

    /// The tenant's IPsec secret: created (32 random bytes) when absent, else read and checked.
    public func ipsecSecret(for tenant: String) throws(TenantSecretError) -> [UInt8] {
        let folder = try folder(for: tenant)
        try Self.ensureFolder(folder)
        let path = folder + "/" + Self.fileName
        if let existing = try Self.readIfPresent(path) { return existing }
        let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        try Self.create(path, bytes: fresh)
        // Read back what is there: another process may have created it first.
        guard let stored = try Self.readIfPresent(path) else {
            throw .io(path: path, reason: "the secret file vanished right after it was written")
        }
        return stored
    }

    // MARK: - Files

    static func isCodeByte(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x2D || b == 0x5F
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }

    static func ensureFolder(_ folder: String) throws(TenantSecretError) {
        let parent = (folder as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw .io(path: parent, reason: error.localizedDescription)
        }
        if mkdir(folder, 0o700) == 0 {
            // mkdir's mode is filtered by the umask; set it exactly.
            guard chmod(folder, 0o700) == 0 else { throw .io(path: folder, reason: errnoText()) }
        } else if errno != EEXIST {
            throw .io(path: folder, reason: errnoText())
        }
        var info = stat()
        guard lstat(folder, &info) == 0 else { throw .io(path: folder, reason: errnoText()) }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw .insecure(path: folder, reason: "not a folder (symbolic links are not followed)")
        }
        guard info.st_uid == geteuid() else { throw .insecure(path: folder, reason: "owned by another user") }
        guard info.st_mode & 0o022 == 0 else {
            throw .insecure(
                path: folder, reason: "mode \(String(info.st_mode & 0o777, radix: 8)) lets others write into it")
        }
        if info.st_mode & 0o077 != 0 {
            // Ours and not writable by others: tightening it is safe (the SSH key store may have made it 0755).
            guard chmod(folder, 0o700) == 0 else { throw .io(path: folder, reason: errnoText()) }
        }
    }

    /// The secret in `path`, checked; nil when there is no file.
    static func readIfPresent(_ path: String) throws(TenantSecretError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0 {
            if errno == ENOENT { return nil }
            if errno == ELOOP { throw .insecure(path: path, reason: "a symbolic link (not followed)") }
            throw .io(path: path, reason: errnoText())
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(path: path, reason: errnoText()) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .insecure(path: path, reason: "not a regular file") }
        guard info.st_uid == geteuid() else { throw .insecure(path: path, reason: "owned by another user") }
        guard info.st_mode & 0o077 == 0 else {
            throw .insecure(
                path: path,
                reason: "mode \(String(info.st_mode & 0o777, radix: 8)) lets others read or write the secret")
        }
        guard Int(info.st_size) == secretLength else {
            throw .wrongSize(path: path, size: Int(info.st_size), expected: secretLength)
        }
        var bytes = [UInt8](repeating: 0, count: secretLength + 1)
        var total = 0
        while total < bytes.count {
            let count = bytes[total...].withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, reason: errnoText())
            }
            if count == 0 { break }
            total += count
        }
        guard total == secretLength else { throw .wrongSize(path: path, size: total, expected: secretLength) }
        return Array(bytes.prefix(secretLength))
    }

    /// Writes `bytes` to a fresh temporary file (0600), syncs it and links it to `path` unless `path` exists.
    static func create(_ path: String, bytes: [UInt8]) throws(TenantSecretError) {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .io(path: temporary, reason: errnoText()) }
        defer { unlink(temporary) }
        var ok = fchmod(fd, 0o600) == 0
        var written = 0
        while ok && written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { ok = false } else { written += count }
        }
        ok = ok && fsync(fd) == 0
        let reason = errnoText()
        close(fd)
        guard ok else { throw .io(path: path, reason: reason) }
        if link(temporary, path) != 0 && errno != EEXIST {
            throw .io(path: path, reason: errnoText())
        }
        let folder = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }
}
