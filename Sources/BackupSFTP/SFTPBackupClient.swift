import CLibSSH2
import CMSBackup
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How `cmsd` logs in to a backup server and knows it is the right one (docs/backup.md "SSH server").
public struct SFTPCredentials: Sendable {
    public enum Authentication: Sendable {
        case password(String)
        /// An OpenSSH or PEM private key (its text), optionally with a passphrase.
        case privateKey(String, passphrase: String?)
    }

    public enum HostKeyPin: Sendable, Hashable {
        /// `SHA256:<base64>` as `ssh-keygen -l -E sha256` prints it.
        case fingerprint(String)
        /// An OpenSSH `known_hosts` file (`host` or `[host]:port` entries, plain or hashed).
        case knownHosts(String)
    }

    public var authentication: Authentication
    public var hostKey: HostKeyPin
    public var timeoutSeconds: Int

    public init(authentication: Authentication, hostKey: HostKeyPin, timeoutSeconds: Int = 30) {
        self.authentication = authentication
        self.hostKey = hostKey
        self.timeoutSeconds = timeoutSeconds
    }
}

/// Uploads and downloads backup files over SFTP with libssh2 in **blocking** mode on a thread of its own (never the
/// concurrency pool): the server's host key must match the pin before any credential is sent; an upload goes to
/// `path.part-*` in folders created as needed and is renamed over `path` only when complete. Errors are
/// ``RestoreProblem``s (`cannot-connect`, `file-missing`, …) that never hold the password or key.
public enum SFTPBackupClient {
    public static let maxDownload: Int64 = 32 << 30

    /// Sends `localFile` to `location`.
    public static func upload(_ localFile: String, to location: BackupTarget.SSHLocation, credentials: SFTPCredentials)
        async throws
    {
        try await putAtomically(location, credentials: credentials) { connection, temporary in
            try connection.upload(localFile, to: temporary)
        }
    }

    /// Fetches `location` into `localFile` (at most ``maxDownload`` bytes).
    public static func download(_ location: BackupTarget.SSHLocation, to localFile: String, credentials: SFTPCredentials)
        async throws
    {
        try await onThread {
            let connection = try Connection.open(location, credentials)
            defer { connection.close() }
            try connection.download(location.path, to: localFile)
        }
    }

    /// Writes through `put` to `path.part-*` (folders made), renamed over `path` when complete, removed on failure:
    /// a reader never sees half a file under the final name.
    static func putAtomically(
        _ location: BackupTarget.SSHLocation, credentials: SFTPCredentials,
        _ put: @escaping @Sendable (Connection, String) throws -> Void
    ) async throws {
        let _: Bool = try await onThread {
            let connection = try Connection.open(location, credentials)
            defer { connection.close() }
            try connection.makeParents(of: location.path)
            let temporary = location.path + ".part-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            do {
                try put(connection, temporary)
                try connection.rename(temporary, to: location.path)
            } catch {
                connection.remove(temporary)
                throw error
            }
            return true
        }
    }

    /// Runs `body` on a thread of its own (libssh2 blocks), never on the concurrency pool.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let thread = Thread {
                do {
                    continuation.resume(returning: try body())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = "cmsd sftp"
            thread.start()
        }
    }

    /// libssh2_init is not thread-safe; a static let runs it exactly once.
    private static let initialized: Int32 = libssh2_init(0)

    /// One blocking SSH + SFTP session, used by one thread only.
    final class Connection {
        let fd: Int32
        let session: OpaquePointer
        let target: String
        var sftp: OpaquePointer?

        private init(fd: Int32, session: OpaquePointer, target: String) {
            self.fd = fd
            self.session = session
            self.target = target
        }

        static func open(_ location: BackupTarget.SSHLocation, _ credentials: SFTPCredentials) throws(RestoreProblem)
            -> Connection
        {
            guard SFTPBackupClient.initialized == 0 else { throw .failed("libssh2 cannot initialise") }
            let target = "\(location.host):\(location.port)"
            let fd = try connect(host: location.host, port: location.port, timeout: credentials.timeoutSeconds)
            guard let session = libssh2_session_init_ex(nil, nil, nil, nil) else {
                Glibc.close(fd)
                throw .failed("libssh2 cannot allocate a session")
            }
            let connection = Connection(fd: fd, session: session, target: target)
            libssh2_session_set_blocking(session, 1)
            libssh2_session_set_timeout(session, credentials.timeoutSeconds * 1000)
            guard libssh2_session_handshake(session, libssh2_socket_t(fd)) == 0 else {
                let message = connection.lastError()
                connection.close()
                throw .cannotConnect("SSH handshake with \(target) failed: \(message)")
            }
            do {
                try connection.checkHostKey(location, credentials.hostKey)
                try connection.authenticate(location.account, credentials.authentication)
            } catch {
                connection.close()
                throw error
            }
            guard let sftp = libssh2_sftp_init(session) else {
                let message = connection.lastError()
                connection.close()
                throw .cannotConnect("the SFTP subsystem at \(target) cannot start: \(message)")
            }
            connection.sftp = sftp
            return connection
        }

        /// The server's key must match the pin; nothing is sent before.
        private func checkHostKey(_ location: BackupTarget.SSHLocation, _ pin: SFTPCredentials.HostKeyPin)
            throws(RestoreProblem)
        {
            var length = 0
            var type: Int32 = 0
            guard let raw = libssh2_session_hostkey(session, &length, &type), length > 0 else {
                throw .cannotConnect("\(target) presented no host key")
            }
            let key = Data(bytes: raw, count: length)
            let fingerprint = SFTPBackupClient.fingerprint(key)
            switch pin {
            case .fingerprint(let expected):
                guard Self.sameFingerprint(expected, fingerprint) else {
                    throw .cannotConnect(
                        "the host key of \(target) is \(fingerprint), not the pinned \(expected); "
                            + "check the server, then update backup.ssh.hostKey")
                }
            case .knownHosts(let file):
                guard let hosts = libssh2_knownhost_init(session) else { throw .failed("libssh2 knownhost_init failed") }
                defer { libssh2_knownhost_free(hosts) }
                guard libssh2_knownhost_readfile(hosts, file, 1 /* LIBSSH2_KNOWNHOST_FILE_OPENSSH */) >= 0 else {
                    throw .cannotConnect("cannot read the known-hosts file \(file): \(lastError())")
                }
                let keyBits: Int32 = switch type {
                case 1: 2 << 18  // RSA
                case 2: 3 << 18  // DSS
                case 3: 4 << 18
                case 4: 5 << 18
                case 5: 6 << 18
                case 6: 7 << 18  // ED25519
                default: 15 << 18
                }
                let mask = 1 /* TYPE_PLAIN */ | (1 << 16) /* KEYENC_RAW */ | keyBits
                let result = location.host.withCString { host in
                    key.withUnsafeBytes { bytes in
                        libssh2_knownhost_checkp(
                            hosts, host, Int32(location.port), bytes.baseAddress?.assumingMemoryBound(to: CChar.self),
                            length, mask, nil)
                    }
                }
                switch result {
                case 0: return  // LIBSSH2_KNOWNHOST_CHECK_MATCH
                case 1:
                    throw .cannotConnect(
                        "the host key of \(target) (\(fingerprint)) does not match \(file): possible impostor; "
                            + "check the server before changing the file")
                case 2:
                    throw .cannotConnect("\(target) is not in the known-hosts file \(file) (its key is \(fingerprint))")
                default:
                    throw .cannotConnect("checking the host key of \(target) failed: \(lastError())")
                }
            }
        }

        static func sameFingerprint(_ a: String, _ b: String) -> Bool {
            func normal(_ text: String) -> String {
                var value = text.trimmingCharacters(in: .whitespaces)
                if value.hasPrefix("SHA256:") { value.removeFirst("SHA256:".count) }
                while value.hasSuffix("=") { value.removeLast() }
                return value
            }
            return normal(a) == normal(b)
        }

        private func authenticate(_ account: String, _ authentication: SFTPCredentials.Authentication)
            throws(RestoreProblem)
        {
            let user = Array(account.utf8)
            let rc: Int32
            switch authentication {
            case .password(let password):
                let secret = Array(password.utf8)
                rc = user.withUnsafeBufferPointer { userBytes in
                    secret.withUnsafeBufferPointer { passBytes in
                        userBytes.withMemoryRebound(to: CChar.self) { userChars in
                            passBytes.withMemoryRebound(to: CChar.self) { passChars in
                                libssh2_userauth_password_ex(
                                    session, userChars.baseAddress, UInt32(user.count), passChars.baseAddress,
                                    UInt32(secret.count), nil)
                            }
                        }
                    }
                }
            case .privateKey(let key, let passphrase):
                let keyBytes = Array(key.utf8)
                rc = user.withUnsafeBufferPointer { userBytes in
                    keyBytes.withUnsafeBufferPointer { keyPointer in
                        userBytes.withMemoryRebound(to: CChar.self) { userChars in
                            keyPointer.withMemoryRebound(to: CChar.self) { keyChars in
                                if let passphrase {
                                    passphrase.withCString {
                                        libssh2_userauth_publickey_frommemory(
                                            session, userChars.baseAddress, user.count, nil, 0, keyChars.baseAddress,
                                            keyBytes.count, $0)
                                    }
                                } else {
                                    libssh2_userauth_publickey_frommemory(
                                        session, userChars.baseAddress, user.count, nil, 0, keyChars.baseAddress,
                                        keyBytes.count, nil)
                                }
                            }
                        }
                    }
                }
            }
            guard rc == 0 else {
                let how = if case .password = authentication { "password" } else { "public key" }
                throw .cannotConnect("\(how) authentication as \(account) at \(target) failed: \(lastError())")
            }
        }

        private static func connect(host: String, port: Int, timeout: Int) throws(RestoreProblem) -> Int32 {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            hints.ai_family = AF_UNSPEC
            var list: UnsafeMutablePointer<addrinfo>?
            let rc = getaddrinfo(host, String(port), &hints, &list)
            guard rc == 0, let first = list else {
                throw .cannotConnect("cannot resolve \(host): \(String(cString: gai_strerror(rc)))")
            }
            defer { freeaddrinfo(list) }
            var reason = "no address"
            var current: UnsafeMutablePointer<addrinfo>? = first
            while let address = current {
                let fd = socket(address.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
                if fd >= 0 {
                    var time = timeval(tv_sec: timeout, tv_usec: 0)
                    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
                    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
                    if Glibc.connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { return fd }
                    reason = String(cString: strerror(errno))
                    Glibc.close(fd)
                }
                current = address.pointee.ai_next
            }
            throw .cannotConnect("cannot connect to \(host):\(port): \(reason)")
        }

        func upload(_ localFile: String, to path: String) throws(RestoreProblem) {
            let input = Glibc.open(localFile, O_RDONLY | O_CLOEXEC)
            guard input >= 0 else { throw .failed("cannot read \(localFile)") }
            defer { Glibc.close(input) }
            let handle = try open(path, flags: UInt(LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_TRUNC), mode: 0o600)
            defer { libssh2_sftp_close_handle(handle) }
            var buffer = [CChar](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress, $0.count) }
                if count == 0 { break }
                guard count > 0 else { throw .failed("cannot read \(localFile)") }
                var offset = 0
                while offset < count {
                    let written = buffer[offset..<count].withUnsafeBufferPointer {
                        libssh2_sftp_write(handle, $0.baseAddress, $0.count)
                    }
                    guard written > 0 else { throw .failed("writing \(path) at \(target) failed: \(sftpError())") }
                    offset += written
                }
            }
            guard libssh2_sftp_fsync(handle) == 0 || libssh2_sftp_last_error(sftp) == UInt(LIBSSH2_FX_OP_UNSUPPORTED)
            else { throw .failed("syncing \(path) at \(target) failed: \(sftpError())") }
        }

        func download(_ path: String, to localFile: String) throws(RestoreProblem) {
            let handle = try open(path, flags: UInt(LIBSSH2_FXF_READ), mode: 0)
            defer { libssh2_sftp_close_handle(handle) }
            let output = Glibc.open(localFile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard output >= 0 else { throw .failed("cannot write \(localFile)") }
            defer { Glibc.close(output) }
            var buffer = [CChar](repeating: 0, count: 64 * 1024)
            var total: Int64 = 0
            while true {
                let count = buffer.withUnsafeMutableBufferPointer { libssh2_sftp_read(handle, $0.baseAddress, $0.count) }
                if count == 0 { break }
                guard count > 0 else { throw .failed("reading \(path) at \(target) failed: \(sftpError())") }
                total += Int64(count)
                guard total <= SFTPBackupClient.maxDownload else {
                    throw .corrupt("\(path) is larger than \(SFTPBackupClient.maxDownload) bytes")
                }
                let written = buffer.withUnsafeBytes { Glibc.write(output, $0.baseAddress, count) }
                guard written == count else { throw .failed("cannot write \(localFile)") }
            }
            fsync(output)
        }

        /// Creates each missing folder above `path` (an existing one is fine).
        func makeParents(of path: String) throws(RestoreProblem) {
            guard let sftp else { throw .failed("no SFTP session") }
            var current = ""
            for part in path.split(separator: "/").dropLast() {
                current += "/" + part
                var attributes = LIBSSH2_SFTP_ATTRIBUTES()
                let exists = current.withCString {
                    libssh2_sftp_stat_ex(sftp, $0, UInt32(strlen($0)), LIBSSH2_SFTP_STAT, &attributes) == 0
                }
                if exists { continue }
                let made = current.withCString { libssh2_sftp_mkdir_ex(sftp, $0, UInt32(strlen($0)), 0o700) == 0 }
                guard made else { throw .failed("cannot create the folder \(current) at \(target): \(sftpError())") }
            }
        }

        /// Renames over an existing file: posix-rename semantics where the server offers them, else remove + rename.
        func rename(_ from: String, to: String) throws(RestoreProblem) {
            guard let sftp else { throw .failed("no SFTP session") }
            let flags = Int(LIBSSH2_SFTP_RENAME_OVERWRITE | LIBSSH2_SFTP_RENAME_ATOMIC | LIBSSH2_SFTP_RENAME_NATIVE)
            func attempt() -> Int32 {
                from.withCString { source in
                    to.withCString { target in
                        libssh2_sftp_rename_ex(sftp, source, UInt32(strlen(source)), target, UInt32(strlen(target)), flags)
                    }
                }
            }
            if attempt() == 0 { return }
            remove(to)
            guard attempt() == 0 else { throw .failed("cannot rename \(from) to \(to) at \(target): \(sftpError())") }
        }

        func remove(_ path: String) {
            guard let sftp else { return }
            _ = path.withCString { libssh2_sftp_unlink_ex(sftp, $0, UInt32(strlen($0))) }
        }

        func open(_ path: String, flags: UInt, mode: Int) throws(RestoreProblem) -> OpaquePointer {
            guard let sftp else { throw .failed("no SFTP session") }
            let handle = path.withCString {
                libssh2_sftp_open_ex(sftp, $0, UInt32(strlen($0)), flags, mode, LIBSSH2_SFTP_OPENFILE)
            }
            guard let handle else {
                if libssh2_session_last_errno(session) == LIBSSH2_ERROR_SFTP_PROTOCOL,
                    [UInt(LIBSSH2_FX_NO_SUCH_FILE), UInt(LIBSSH2_FX_NO_SUCH_PATH)].contains(libssh2_sftp_last_error(sftp))
                {
                    throw .fileMissing("\(path) at \(target)")
                }
                throw .failed("cannot open \(path) at \(target): \(sftpError())")
            }
            return handle
        }

        func sftpError() -> String {
            if let sftp, libssh2_session_last_errno(session) == LIBSSH2_ERROR_SFTP_PROTOCOL {
                switch UInt(libssh2_sftp_last_error(sftp)) {
                case UInt(LIBSSH2_FX_NO_SUCH_FILE), UInt(LIBSSH2_FX_NO_SUCH_PATH): return "no such file"
                case UInt(LIBSSH2_FX_PERMISSION_DENIED): return "permission denied"
                case UInt(LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM), UInt(LIBSSH2_FX_QUOTA_EXCEEDED): return "no space left"
                case let code: return "SFTP status \(code)"
                }
            }
            return lastError()
        }

        func lastError() -> String {
            var message: UnsafeMutablePointer<CChar>?
            var length: Int32 = 0
            let code = libssh2_session_last_error(session, &message, &length, 0)
            let text = message.map { String(cString: $0) } ?? ""
            return text.isEmpty ? "libssh2 error \(code)" : "\(text) (libssh2 \(code))"
        }

        func close() {
            if let sftp {
                libssh2_sftp_shutdown(sftp)
                self.sftp = nil
            }
            libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, "backup done", "")
            libssh2_session_free(session)
            Glibc.close(fd)
        }
    }

    /// `SHA256:<base64 without padding>` of a raw host key blob.
    static func fingerprint(_ key: Data) -> String {
        "SHA256:" + Data(sha256(Array(key))).base64EncodedString().trimmingCharacters(in: CharacterSet(charactersIn: "="))
    }

    private static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        let hex = Digest.sha256(bytes)
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }
}
