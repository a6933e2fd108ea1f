import CMSModel

/// What the HTTP server asks of the daemon for diagnostics and syslog collection (docs/diagnostics.md): a seam of
/// its own beside ``ControlPlane`` (the server reaches it with `controlPlane as? any DiagnosticsControl`).
public protocol DiagnosticsControl: Sendable {
    /// Runs a validated diagnostic command on a connected device for `user` (the API token's name, recorded in the
    /// event). Fails before any output with 404 (device), 409 (not connected), 400 (arguments), 413 (over
    /// `diagnostics.maxOutputBytes`), 429 (too many waiting), 502 (the device answered an error), 504 (timeout).
    func exec(_ tenant: String, device: String, command: ExecCommand, user: String?) async throws(APIError)
        -> ChunkedOutput

    /// Fetches the syslog of one device or of a group's members now; the last files per device are kept.
    func fetchSyslog(_ tenant: String, target: SyslogTarget, user: String?) async throws(APIError) -> SyslogFetchReport

    /// The kept syslog files of a device, newest first (index 1 = newest).
    func syslogFiles(_ tenant: String, device: String) async throws(APIError) -> SyslogFileList

    /// One kept syslog file, decompressed (index 1 = newest).
    func syslogFile(_ tenant: String, device: String, index: Int) async throws(APIError) -> ChunkedOutput
}

/// A result the HTTP server writes out as it pulls it, chunk by chunk (never joined into one buffer). `next`
/// returns nil at the end; a pull after the end keeps returning nil.
public struct ChunkedOutput: Sendable {
    /// Total bytes when known before the first chunk.
    public var byteCount: Int?
    public var next: @Sendable () async throws -> ArraySlice<UInt8>?

    public init(byteCount: Int?, next: @escaping @Sendable () async throws -> ArraySlice<UInt8>?) {
        self.byteCount = byteCount
        self.next = next
    }
}

/// Whose syslog to fetch.
public enum SyslogTarget: Sendable, Hashable {
    case device(String)
    case group(String)
}

/// Answer to `POST …/syslog/fetch`: one line per device.
public struct SyslogFetchReport: Sendable, Hashable, Codable {
    public struct Result: Sendable, Hashable, Codable {
        public var device: String
        /// The new file's name when fetched.
        public var file: String?
        /// Uncompressed bytes fetched.
        public var bytes: Int?
        /// Why it was not fetched (not connected, the device's error…).
        public var error: String?

        public init(device: String, file: String? = nil, bytes: Int? = nil, error: String? = nil) {
            self.device = device
            self.file = file
            self.bytes = bytes
            self.error = error
        }
    }

    public var results: [Result]
    public init(results: [Result]) { self.results = results }
}

/// Answer to `GET …/devices/{code}/syslog`.
public struct SyslogFileList: Sendable, Hashable, Codable {
    public struct File: Sendable, Hashable, Codable {
        /// 1 = newest.
        public var index: Int
        public var name: String
        /// When it was fetched.
        public var fetchedAt: Timestamp
        /// Size as stored (gzip).
        public var compressedBytes: Int

        public init(index: Int, name: String, fetchedAt: Timestamp, compressedBytes: Int) {
            self.index = index
            self.name = name
            self.fetchedAt = fetchedAt
            self.compressedBytes = compressedBytes
        }
    }

    public var device: String
    public var files: [File]
    public init(device: String, files: [File]) {
        self.device = device
        self.files = files
    }
}
