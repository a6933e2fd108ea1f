import CLibSSH2
import Foundation
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// A file transfer over SFTP for `ssh://account@host:port/path` URLs (SPEC §4), to loopback hosts only.
///
/// libssh2 runs in blocking mode on a thread of its own (never an event loop or the concurrency
/// pool); results come back as an event-loop future. The path after `host:port` is taken as an
/// absolute path on the server. A simulated router trusts any host key: it records the SHA-256
/// fingerprint in ``hostKeyFingerprint`` and the device log, and never refuses a host for its key.
/// The password never appears in an error, a log line or a description.
struct SFTPTransfer: Sendable {
    /// Why a transfer failed, in words fit for an RPC's `message` (never holding the password).
    struct Failure: Error, CustomStringConvertible, Equatable {
        var description: String
    }

    let user: String
    let host: String
    let port: Int
    let path: String
    let password: String

    /// The longest URL and password SPEC §4 allows, in UTF-8 bytes (as NXRRPC counts).
    static let maxFieldLength = 255
    /// Blocking socket and libssh2 timeout.
    static let timeoutSeconds = 15

    /// Parses `ssh://user@host:port/path` (`[::1]` for IPv6; port 22 when absent).
    init(url: String, password: String) throws(Failure) {
        guard url.utf8.count <= Self.maxFieldLength else {
            throw Failure(description: "the url is longer than \(Self.maxFieldLength) characters")
        }
        guard password.utf8.count <= Self.maxFieldLength else {
            throw Failure(description: "the password is longer than \(Self.maxFieldLength) characters")
        }
        guard !password.isEmpty else { throw Failure(description: "an ssh:// url needs a password") }
        guard url.hasPrefix("ssh://") else { throw Failure(description: "\(url) is not an ssh:// url") }
        let rest = url.dropFirst("ssh://".count)
        guard let slash = rest.firstIndex(of: "/") else {
            throw Failure(description: "\(url) has no path (ssh://account@host:port/path)")
        }
        let authority = rest[..<slash]
        let path = String(rest[slash...])
        guard let at = authority.lastIndex(of: "@"), at != authority.startIndex else {
            throw Failure(description: "\(url) has no account (ssh://account@host:port/path)")
        }
        let user = String(authority[..<at]).removingPercentEncoding ?? String(authority[..<at])
        var hostPort = authority[authority.index(after: at)...]
        var host: String
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw Failure(description: "\(url): bad IPv6 host") }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            hostPort = hostPort[hostPort.index(after: close)...]
            if hostPort.hasPrefix(":") { portText = hostPort.dropFirst() }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            host = String(hostPort)
        }
        var port = 22
        if let portText {
            guard let parsed = Int(portText), (1...65535).contains(parsed) else {
                throw Failure(description: "\(url): the port must be 1-65535")
            }
            port = parsed
        }
        guard LoopbackAddress.isLoopback(host) else {
            throw Failure(description: "\(url): the simulator only transfers to loopback hosts, not \(host)")
        }
        guard path.count > 1, !path.split(separator: "/").contains("..") else {
            throw Failure(description: "\(url): the path must name a file and contain no '..'")
        }
        if host == "localhost" { host = "127.0.0.1" }
        self.user = user
        self.host = host
        self.port = port
        self.path = path
        self.password = password
    }

    /// `ssh://user@host:port/path`, without the password.
    var redacted: String {
        "ssh://\(self.user)@\(self.host.contains(":") ? "[\(self.host)]" : self.host):\(self.port)\(self.path)"
    }

    /// Downloads the file (at most `maxBytes`) on a thread of its own.
    func download(on loop: any EventLoop, maxBytes: Int = 256 << 20) -> EventLoopFuture<
        (bytes: [UInt8], hostKey: String)
    > {
        self.run(on: loop) { (connection: Connection) throws(Failure) -> [UInt8] in
            try connection.read(path: self.path, maxBytes: maxBytes)
        }
    }

    /// Uploads `bytes`, creating missing parent folders (SPEC §11), on a thread of its own.
    func upload(_ bytes: [UInt8], on loop: any EventLoop) -> EventLoopFuture<(bytes: [UInt8], hostKey: String)> {
        self.run(on: loop) { (connection: Connection) throws(Failure) -> [UInt8] in
            try connection.makeParents(of: self.path)
            try connection.write(path: self.path, bytes: bytes)
            return []
        }
    }

    private func run(
        on loop: any EventLoop, _ body: @escaping @Sendable (Connection) throws(Failure) -> [UInt8]
    ) -> EventLoopFuture<(bytes: [UInt8], hostKey: String)> {
        let promise = loop.makePromise(of: (bytes: [UInt8], hostKey: String).self)
        let transfer = self
        let thread = Thread {
            do {
                let connection = try Connection.open(transfer)
                defer { connection.close() }
                let bytes = try body(connection)
                promise.succeed((bytes, connection.hostKey))
            } catch {
                promise.fail(error)
            }
        }
        thread.name = "nxr-sim sftp"
        thread.start()
        return promise.futureResult
    }

    /// libssh2_init is not thread-safe; a static let runs it exactly once.
    private static let initialized: Int32 = libssh2_init(0)

    /// One blocking SSH + SFTP session; used by one thread only.
    final class Connection: @unchecked Sendable {
        let fd: Int32
        let session: OpaquePointer
        var sftp: OpaquePointer?
        var hostKey = ""

        private init(fd: Int32, session: OpaquePointer) {
            self.fd = fd
            self.session = session
        }

        static func open(_ transfer: SFTPTransfer) throws(Failure) -> Connection {
            guard SFTPTransfer.initialized == 0 else { throw Failure(description: "libssh2 cannot initialise") }
            let fd = try Self.connect(host: transfer.host, port: transfer.port)
            guard let session = libssh2_session_init_ex(nil, nil, nil, nil) else {
                Glibc.close(fd)
                throw Failure(description: "libssh2 cannot allocate a session")
            }
            let connection = Connection(fd: fd, session: session)
            libssh2_session_set_blocking(session, 1)
            libssh2_session_set_timeout(session, SFTPTransfer.timeoutSeconds * 1000)
            let target = "\(transfer.host):\(transfer.port)"
            guard libssh2_session_handshake(session, libssh2_socket_t(fd)) == 0 else {
                let message = connection.lastError()
                connection.close()
                throw Failure(description: "SSH handshake with \(target) failed: \(message)")
            }
            if let hash = libssh2_hostkey_hash(session, LIBSSH2_HOSTKEY_HASH_SHA256) {
                let digest = hash.withMemoryRebound(to: UInt8.self, capacity: 32) {
                    Data(UnsafeBufferPointer(start: $0, count: 32))
                }
                connection.hostKey =
                    "SHA256:" + digest.base64EncodedString().trimmingCharacters(in: CharacterSet(charactersIn: "="))
            }
            let authenticated = transfer.user.withCString { user in
                transfer.password.withCString { password in
                    libssh2_userauth_password_ex(
                        session, user, UInt32(strlen(user)), password, UInt32(strlen(password)), nil)
                }
            }
            guard authenticated == 0 else {
                let message = connection.lastError()
                connection.close()
                throw Failure(
                    description: "password authentication as \(transfer.user) at \(target) failed: \(message)")
            }
            guard let sftp = libssh2_sftp_init(session) else {
                let message = connection.lastError()
                connection.close()
                throw Failure(description: "the SFTP subsystem at \(target) cannot start: \(message)")
            }
            connection.sftp = sftp
            return connection
        }

        private static func connect(host: String, port: Int) throws(Failure) -> Int32 {
            let ipv6 = host.contains(":")
            let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "socket(): \(String(cString: strerror(errno)))") }
            var timeout = timeval(tv_sec: SFTPTransfer.timeoutSeconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var rc: Int32 = -1
            if ipv6 {
                var address = sockaddr_in6()
                address.sin6_family = sa_family_t(AF_INET6)
                address.sin6_port = UInt16(port).bigEndian
                guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else {
                    Glibc.close(fd)
                    throw Failure(description: "\(host) is not an IPv6 address")
                }
                rc = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                    }
                }
            } else {
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = UInt16(port).bigEndian
                guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
                    Glibc.close(fd)
                    throw Failure(description: "\(host) is not an IPv4 address")
                }
                rc = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
            guard rc == 0 else {
                let reason = String(cString: strerror(errno))
                Glibc.close(fd)
                throw Failure(description: "cannot connect to \(host):\(port): \(reason)")
            }
            return fd
        }

        func read(path: String, maxBytes: Int) throws(Failure) -> [UInt8] {
            let handle = try self.open(path, flags: UInt(LIBSSH2_FXF_READ), mode: 0)
            defer { libssh2_sftp_close_handle(handle) }
            var result: [UInt8] = []
            var buffer = [CChar](repeating: 0, count: 32 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBufferPointer {
                    libssh2_sftp_read(handle, $0.baseAddress, $0.count)
                }
                if count == 0 { return result }
                guard count > 0 else { throw Failure(description: "reading \(path) failed: \(self.sftpError())") }
                guard result.count + count <= maxBytes else {
                    throw Failure(description: "\(path) is larger than \(maxBytes) bytes")
                }
                result += buffer[0..<count].map { UInt8(bitPattern: $0) }
            }
        }

        func write(path: String, bytes: [UInt8]) throws(Failure) {
            let handle = try self.open(
                path, flags: UInt(LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_TRUNC), mode: 0o644)
            defer { libssh2_sftp_close_handle(handle) }
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBufferPointer { chunk in
                    chunk.withMemoryRebound(to: CChar.self) { libssh2_sftp_write(handle, $0.baseAddress, $0.count) }
                }
                guard written > 0 else { throw Failure(description: "writing \(path) failed: \(self.sftpError())") }
                offset += written
            }
        }

        /// Creates each missing folder above `path` (an existing one is fine).
        func makeParents(of path: String) throws(Failure) {
            guard let sftp else { throw Failure(description: "no SFTP session") }
            let parts = path.split(separator: "/").dropLast()
            var current = ""
            for part in parts {
                current += "/" + part
                var attributes = LIBSSH2_SFTP_ATTRIBUTES()
                let exists = current.withCString {
                    libssh2_sftp_stat_ex(sftp, $0, UInt32(strlen($0)), LIBSSH2_SFTP_STAT, &attributes) == 0
                }
                if exists { continue }
                let made = current.withCString { libssh2_sftp_mkdir_ex(sftp, $0, UInt32(strlen($0)), 0o755) == 0 }
                guard made else {
                    throw Failure(description: "cannot create the folder \(current): \(self.sftpError())")
                }
            }
        }

        private func open(_ path: String, flags: UInt, mode: Int) throws(Failure) -> OpaquePointer {
            guard let sftp else { throw Failure(description: "no SFTP session") }
            let handle = path.withCString {
                libssh2_sftp_open_ex(sftp, $0, UInt32(strlen($0)), flags, mode, LIBSSH2_SFTP_OPENFILE)
            }
            guard let handle else { throw Failure(description: "cannot open \(path): \(self.sftpError())") }
            return handle
        }

        /// The SFTP status in words when the server sent one, else libssh2's last error.
        private func sftpError() -> String {
            if let sftp, libssh2_session_last_errno(self.session) == LIBSSH2_ERROR_SFTP_PROTOCOL {
                switch UInt(libssh2_sftp_last_error(sftp)) {
                case LIBSSH2_FX_NO_SUCH_FILE, LIBSSH2_FX_NO_SUCH_PATH: return "no such file"
                case LIBSSH2_FX_PERMISSION_DENIED: return "permission denied"
                case LIBSSH2_FX_FAILURE: return "the server refused (SFTP failure)"
                case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM, LIBSSH2_FX_QUOTA_EXCEEDED: return "no space left"
                case let code: return "SFTP status \(code)"
                }
            }
            return self.lastError()
        }

        func lastError() -> String {
            var message: UnsafeMutablePointer<CChar>?
            var length: Int32 = 0
            let code = libssh2_session_last_error(self.session, &message, &length, 0)
            let text = message.map { String(cString: $0) } ?? ""
            return text.isEmpty ? "libssh2 error \(code)" : "\(text) (libssh2 \(code))"
        }

        func close() {
            if let sftp {
                libssh2_sftp_shutdown(sftp)
                self.sftp = nil
            }
            libssh2_session_disconnect_ex(self.session, SSH_DISCONNECT_BY_APPLICATION, "transfer done", "")
            libssh2_session_free(self.session)
            Glibc.close(self.fd)
        }
    }
}
