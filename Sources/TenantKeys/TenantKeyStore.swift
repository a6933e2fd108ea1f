#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Crypto
import Foundation
import _CryptoExtras

/// Each tenant's SSH key pair under `<data>/tenants/<code>/ssh/`: generated on first use, reused afterwards.
///
/// The folder is 0700 and the private key 0600, both owned by the running user; files are written to a temporary
/// name, synced and renamed, so a crash never leaves half a key. A key folder or file that others could read or
/// write, a symbolic link, or a key that does not verify is refused rather than used.
public struct TenantKeyStore: Sendable {
    public let dataFolder: String

    public init(dataFolder: String) { self.dataFolder = dataFolder }

    /// `<data>/tenants/<code>/ssh`.
    public func folder(for tenant: String) throws(TenantKeyError) -> String {
        guard !tenant.isEmpty, tenant.utf8.count <= 64,
            tenant.unicodeScalars.allSatisfy({
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
            })
        else { throw .invalidTenantCode(tenant) }
        return dataFolder + "/tenants/" + tenant + "/ssh"
    }

    /// The tenant's key pair of `type`, generated and stored when absent.
    public func keyPair(for tenant: String, type: TenantKeyType = .ed25519) throws(TenantKeyError) -> TenantKeyPair {
        let folder = try folder(for: tenant)
        try ensureFolder(folder)
        let privatePath = folder + "/" + type.fileName
        let publicPath = privatePath + ".pub"
        var created = false
        var info = stat()
        if lstat(privatePath, &info) != 0 {
            guard errno == ENOENT else { throw .io(path: privatePath, reason: String(cString: strerror(errno))) }
            try Self.writeAtomically(try Self.generate(type, comment: tenant), to: privatePath, mode: 0o600)
            created = true
        }
        try Self.checkPrivate(privatePath)
        let text = try Self.read(privatePath)
        let (blob, keyType) = try Self.publicBlob(ofPrivate: text, type: type, path: privatePath)
        let line = OpenSSHKeyFormat.publicKeyLine(type: keyType, blob: blob, comment: tenant)
        if FileManager.default.fileExists(atPath: publicPath) {
            let existing = try Self.read(publicPath).split(separator: " ")
            guard existing.count >= 2, existing[0] == keyType, existing[1] == Data(blob).base64EncodedString() else {
                throw .publicKeyMismatch(path: publicPath)
            }
        } else {
            try Self.writeAtomically(line + "\n", to: publicPath, mode: 0o644)
        }
        return TenantKeyPair(
            tenant: tenant, type: type, publicKeyLine: line, fingerprint: OpenSSHKeyFormat.fingerprint(ofBlob: blob),
            privateKeyPath: privatePath, publicKeyPath: publicPath, created: created)
    }

    // MARK: - Keys

    private static func generate(_ type: TenantKeyType, comment: String) throws(TenantKeyError) -> String {
        switch type {
        case .ed25519:
            let key = Curve25519.Signing.PrivateKey()
            return OpenSSHKeyFormat.encodeEd25519(
                seed: Array(key.rawRepresentation), publicKey: Array(key.publicKey.rawRepresentation),
                comment: comment, checkint: UInt32.random(in: 0...UInt32.max))
        case .rsa:
            do {
                // PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`), which libssh2 and OpenSSH both read.
                return try _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation
            } catch {
                throw .generation("RSA-2048: \(error)")
            }
        }
    }

    private static func publicBlob(ofPrivate text: String, type: TenantKeyType, path: String) throws(TenantKeyError)
        -> (blob: [UInt8], type: String)
    {
        switch type {
        case .ed25519:
            let key = try OpenSSHKeyFormat.decodeEd25519(text, path: path)
            return (OpenSSHKeyFormat.ed25519Blob(key.publicKey), OpenSSHKeyFormat.ed25519)
        case .rsa:
            guard text.hasPrefix("-----BEGIN RSA PRIVATE KEY-----") else {
                throw .corruptKey(path: path, reason: "not a PKCS#1 PEM RSA private key")
            }
            do {
                let key = try _RSA.Signing.PrivateKey(pemRepresentation: text)
                let primitives = try key.publicKey.getKeyPrimitives()
                var writer = SSHWireWriter()
                writer.string("ssh-rsa")
                writer.mpint(primitives.publicExponent)
                writer.mpint(primitives.modulus)
                return (writer.bytes, "ssh-rsa")
            } catch {
                throw .corruptKey(path: path, reason: "\(error)")
            }
        }
    }

    // MARK: - Files

    private func ensureFolder(_ folder: String) throws(TenantKeyError) {
        let parent = (folder as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw .io(path: parent, reason: error.localizedDescription)
        }
        if mkdir(folder, 0o700) == 0 {
            // mkdir's mode is filtered by the umask; set it exactly.
            guard chmod(folder, 0o700) == 0 else { throw .io(path: folder, reason: String(cString: strerror(errno))) }
        } else if errno != EEXIST {
            throw .io(path: folder, reason: String(cString: strerror(errno)))
        }
        var info = stat()
        guard lstat(folder, &info) == 0 else { throw .io(path: folder, reason: String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .insecure(path: folder, reason: "not a folder") }
        guard info.st_uid == geteuid() else { throw .insecure(path: folder, reason: "owned by another user") }
        guard info.st_mode & 0o077 == 0 else {
            throw .insecure(path: folder, reason: "mode \(String(info.st_mode & 0o777, radix: 8)) lets others in")
        }
    }

    private static func checkPrivate(_ path: String) throws(TenantKeyError) {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw .insecure(path: path, reason: "not a regular file (symbolic links are not followed)")
        }
        guard info.st_uid == geteuid() else { throw .insecure(path: path, reason: "owned by another user") }
        guard info.st_mode & 0o077 == 0 else {
            throw .insecure(
                path: path, reason: "mode \(String(info.st_mode & 0o777, radix: 8)) lets others read the private key")
        }
    }

    private static func read(_ path: String) throws(TenantKeyError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io(path: path, reason: "cannot read")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw .corruptKey(path: path, reason: "not text")
        }
        return text
    }

    /// Writes to a fresh temporary file with `mode`, syncs it, renames it over `path` and syncs the folder.
    static func writeAtomically(_ text: String, to path: String, mode: mode_t) throws(TenantKeyError) {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw .io(path: temporary, reason: String(cString: strerror(errno))) }
        var ok = fchmod(fd, mode) == 0
        let bytes = Array(text.utf8)
        var written = 0
        while ok && written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count <= 0 { ok = false } else { written += count }
        }
        ok = ok && fsync(fd) == 0
        let reason = String(cString: strerror(errno))
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw .io(path: path, reason: reason)
        }
        let folder = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }
}
