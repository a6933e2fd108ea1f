/// `diagnostics:` in `cmsd.yaml` (docs/diagnostics.md): how `cms exec` and syslog collection may use devices.
public struct DiagnosticsSettings: Sendable, Hashable {
    /// Diagnostic RPCs (exec and syslog fetches) running at once over all tenants. Separate from the work queue:
    /// operators running exec on many devices never take a reconcile slot.
    public var maxConcurrent: Int
    /// Exec requests that may wait for a slot; beyond that the API answers 429.
    public var maxWaiting: Int
    /// Time for the device to answer, on top of the command's own running time (a 180 s capture, a ping of 60).
    public var timeout: Duration
    /// The size guard: a result larger than this is refused with a message naming this setting (413), never cut.
    public var maxOutputBytes: Int
    /// Bytes per chunk written to the HTTP client.
    public var chunkBytes: Int
    /// Syslog files kept per device (SPEC §7: the last 5).
    public var syslogKeep: Int

    public init(
        maxConcurrent: Int = 16, maxWaiting: Int = 256, timeout: Duration = .seconds(60),
        maxOutputBytes: Int = 64 << 20, chunkBytes: Int = 64 << 10, syslogKeep: Int = 5
    ) {
        self.maxConcurrent = max(1, maxConcurrent)
        self.maxWaiting = max(0, maxWaiting)
        self.timeout = timeout
        self.maxOutputBytes = max(1, maxOutputBytes)
        self.chunkBytes = max(1, chunkBytes)
        self.syslogKeep = max(1, syslogKeep)
    }
}
