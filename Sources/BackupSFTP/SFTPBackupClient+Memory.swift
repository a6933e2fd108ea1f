import CLibSSH2
import CMSBackup
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Small files (device configs, at most a few MiB) to and from an SFTP server **in memory**: nothing is written to
/// a local file — the config of a device may hold its secrets in clear. Same host-key pin and authentication as the
/// backup transfers, on a thread of its own (libssh2 blocks).
extension SFTPBackupClient {
    /// Writes `bytes` to `location` (through `path.part-*`, renamed over `path` when complete; folders made).
    public static func write(_ bytes: [UInt8], to location: BackupTarget.SSHLocation, credentials: SFTPCredentials)
        async throws
    {
        try await putAtomically(location, credentials: credentials) { connection, temporary in
            try connection.write(bytes, to: temporary)
        }
    }

    /// Reads `location` whole; a file over `maxBytes` is refused (``RestoreProblem/corrupt(_:)``) before more than
    /// `maxBytes + 1` bytes are read.
    public static func read(_ location: BackupTarget.SSHLocation, maxBytes: Int, credentials: SFTPCredentials)
        async throws -> [UInt8]
    {
        try await onThread {
            let connection = try Connection.open(location, credentials)
            defer { connection.close() }
            return try connection.read(location.path, maxBytes: maxBytes)
        }
    }
}

extension SFTPBackupClient.Connection {
    func write(_ bytes: [UInt8], to path: String) throws(RestoreProblem) {
        let handle = try open(path, flags: UInt(LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_TRUNC), mode: 0o600)
        defer { libssh2_sftp_close_handle(handle) }
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + 64 * 1024)
            let written = bytes[offset..<end].withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { libssh2_sftp_write(handle, $0.baseAddress, $0.count) }
            }
            guard written > 0 else { throw .failed("writing \(path) at \(target) failed: \(sftpError())") }
            offset += written
        }
        guard libssh2_sftp_fsync(handle) == 0 || libssh2_sftp_last_error(sftp) == UInt(LIBSSH2_FX_OP_UNSUPPORTED)
        else { throw .failed("syncing \(path) at \(target) failed: \(sftpError())") }
    }

    func read(_ path: String, maxBytes: Int) throws(RestoreProblem) -> [UInt8] {
        let handle = try open(path, flags: UInt(LIBSSH2_FXF_READ), mode: 0)
        defer { libssh2_sftp_close_handle(handle) }
        var result: [UInt8] = []
        var buffer = [CChar](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBufferPointer { libssh2_sftp_read(handle, $0.baseAddress, $0.count) }
            if count == 0 { break }
            guard count > 0 else { throw .failed("reading \(path) at \(target) failed: \(sftpError())") }
            guard result.count + count <= maxBytes else {
                throw .corrupt("\(path) at \(target) is larger than \(maxBytes) bytes")
            }
            buffer.withUnsafeBytes { result.append(contentsOf: $0.prefix(count)) }
        }
        return result
    }
}
