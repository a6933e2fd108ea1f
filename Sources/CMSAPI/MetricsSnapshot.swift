/// What `/metrics` exposes (rendered in the Prometheus text format by `CMSServer`).
public struct MetricsSnapshot: Sendable, Hashable, Codable {
    /// `cms_devices{tenant,state}`.
    public var devicesByState: [String: [String: Int]]
    /// `cms_devices_sync{tenant,status}`.
    public var devicesBySync: [String: [String: Int]]
    /// `cms_reconciles_total{tenant,outcome}` (outcome = ReconcileRecord.Outcome raw value).
    public var reconciles: [String: [String: Int]]
    /// `cms_reconcile_errors_total{tenant,class}` (class = retry / wait / terminal).
    public var reconcileErrors: [String: [String: Int]]
    /// `cms_reconcile_duration_seconds` histogram: upper bounds (seconds) and cumulative counts, sum, count.
    public var durationBuckets: [Double]
    public var durationCounts: [Int]
    public var durationSum: Double
    public var durationCount: Int
    /// `cms_git_fetch_errors_total{tenant}`, `cms_crp_announcements_total{result}`, `cms_sessions_open`.
    public var fetchErrors: [String: Int]
    public var announcements: [String: Int]
    /// `cms_crp_dropped_total{reason}`: datagrams the CRP listener dropped, by reason code
    /// (docs/crp.md §5); every reason is present, zero or not.
    public var crpDropped: [String: Int] = [:]
    public var sessionsOpen: Int
    /// `cms_firmware_rollout_devices{tenant,state}`: devices of rollouts not finished, by state (issue 11);
    /// `cms_firmware_rollouts{tenant,phase}`; `cms_firmware_downloads_active`, `cms_firmware_download_bytes_total`.
    public var firmwareRolloutDevices: [String: [String: Int]] = [:]
    public var firmwareRollouts: [String: [String: Int]] = [:]
    public var firmwareDownloadsActive = 0
    public var firmwareDownloadBytes: Int64 = 0

    public init(
        devicesByState: [String: [String: Int]] = [:], devicesBySync: [String: [String: Int]] = [:],
        reconciles: [String: [String: Int]] = [:], reconcileErrors: [String: [String: Int]] = [:],
        durationBuckets: [Double] = [], durationCounts: [Int] = [], durationSum: Double = 0,
        durationCount: Int = 0, fetchErrors: [String: Int] = [:], announcements: [String: Int] = [:],
        sessionsOpen: Int = 0
    ) {
        self.devicesByState = devicesByState
        self.devicesBySync = devicesBySync
        self.reconciles = reconciles
        self.reconcileErrors = reconcileErrors
        self.durationBuckets = durationBuckets
        self.durationCounts = durationCounts
        self.durationSum = durationSum
        self.durationCount = durationCount
        self.fetchErrors = fetchErrors
        self.announcements = announcements
        self.sessionsOpen = sessionsOpen
    }
}
