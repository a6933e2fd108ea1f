import CMSAPI
import CMSModel

/// The fake control plane plus what a fleet with firmware, a config archive and schedules answers: fixed images,
/// rollouts (changed by tests, for `--watch`), archive revisions and schedules. A wrapper, so that
/// ``FakeControlPlane`` alone still stands for a server without those parts (the 501 tests).
actor FleetControlPlane: ControlPlane, FirmwareControl, ConfigArchiveControl, ScheduleControl {
    let base: FakeControlPlane
    init(_ base: FakeControlPlane) { self.base = base }

    static let at = FakeControlPlane.since

    // MARK: ControlPlane (the base's answers)

    nonisolated func tenantCodes() async -> [String] { await base.tenantCodes() }
    func tenantStatus(_ tenant: String) async throws(APIError) -> TenantStatus { try await base.tenantStatus(tenant) }
    func devices(_ tenant: String, query: DeviceListQuery) async throws(APIError) -> DevicePage {
        try await base.devices(tenant, query: query)
    }
    func device(_ tenant: String, code: String) async throws(APIError) -> DeviceDetail {
        try await base.device(tenant, code: code)
    }
    func events(_ query: EventQuery) async throws(APIError) -> [Event] { try await base.events(query) }
    func plan(_ tenant: String, revision: String?, native: Bool) async throws(APIError) -> TenantPlan {
        try await base.plan(tenant, revision: revision, native: native)
    }
    func reconcile(_ tenant: String, device: String?, user: String?) async throws(APIError) -> ReconcileAccepted {
        try await base.reconcile(tenant, device: device, user: user)
    }
    func refresh(_ tenant: String) async throws(APIError) -> RefreshResult { try await base.refresh(tenant) }
    func ipsecStatus(_ tenant: String, group: String, refresh: Bool) async throws(APIError) -> IPsecGroupStatus {
        try await base.ipsecStatus(tenant, group: group, refresh: refresh)
    }
    nonisolated func metrics() async -> MetricsSnapshot { await base.metrics() }

    private func codes(_ tenant: String) async throws(APIError) -> [String] {
        try await base.devices(tenant, query: DeviceListQuery()).devices.map(\.code)
    }

    // MARK: firmware

    static let images = [
        StoredFirmwareImage(
            sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", product: "NXR-G110",
            version: "21.7.3", size: 31_457_280, added: at, user: "alice"),
        StoredFirmwareImage(
            sha256: "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752", product: "NXR-530",
            version: "", size: 12_582_912, added: at + .seconds(3600), user: nil),
    ]

    /// A canary rollout in its second batch, a stalled one, and a finished one (shown with `--all` only).
    static let running = RolloutStatus(
        id: "r-3", image: "nxr-g110-21.7.3", version: "21.7.3", mode: "normal", phase: "running", user: nil,
        revision: "abc123", reason: nil, currentBatch: 2,
        batches: [
            .init(index: 1, canary: true, devices: ["tokyo-01"], done: 1, failed: 0, inFlight: 0, pending: 0, skipped: 0),
            .init(
                index: 2, canary: false, devices: ["osaka-02", "nagoya-03", "sendai-05", "kobe-06"], done: 1, failed: 0,
                inFlight: 2, pending: 1, skipped: 0),
        ],
        counts: ["done": 2, "in-flight": 2, "pending": 1, "skipped": 1],
        failed: [:], skipped: ["sapporo-07": "already on 21.7.3"], created: at, group: "本社-拠点")
    static let stalled = RolloutStatus(
        id: "r-2", image: "nxr-530-b", version: "", mode: "no-reboot", phase: "stalled", user: "bob",
        revision: nil, reason: "2 of 4 devices failed (maxFailures 1)", currentBatch: 1,
        batches: [
            .init(
                index: 1, canary: false, devices: ["nagoya-03", "fukuoka-04", "naha-08", "kobe-06"], done: 2,
                failed: 2, inFlight: 0, pending: 0, skipped: 0)
        ],
        counts: ["done": 2, "failed": 2],
        failed: ["naha-08": "transfer failed: connection reset", "nagoya-03": "did not come back within 15 min"],
        skipped: [:], created: at - .seconds(7200))
    static let finished = RolloutStatus(
        id: "r-1", image: "nxr-g110-21.7.1", version: "21.7.1", mode: "normal", phase: "finished", user: nil,
        revision: "0ld000", reason: nil, currentBatch: 1,
        batches: [.init(index: 1, canary: false, devices: ["tokyo-01"], done: 1, failed: 0, inFlight: 0, pending: 0, skipped: 0)],
        counts: ["done": 1], failed: [:], skipped: [:], created: at - .seconds(86_400))

    var rolloutList = RolloutList(
        rollouts: [finished, stalled, running], windowOpen: false, nextWindow: "weeknights",
        nextWindowStart: at + .seconds(13 * 3600))
    /// How many times the rollouts were asked for (a `--watch` looked again).
    private(set) var rolloutReads = 0

    func setRollouts(_ list: RolloutList) { rolloutList = list }

    func firmwareImages(_ tenant: String) async throws(APIError) -> [StoredFirmwareImage] {
        _ = try await codes(tenant)
        return Self.images
    }

    func addFirmwareImage(
        _ tenant: String, product: String, version: String?, user: String?,
        chunks: any AsyncSequence<[UInt8], any Error> & Sendable
    ) async throws(APIError) -> StoredFirmwareImage {
        throw APIError(status: 501, code: "not-implemented", message: "the fleet fake stores no images")
    }

    func removeFirmwareImage(_ tenant: String, sha256: String, user: String?) async throws(APIError)
        -> StoredFirmwareImage
    {
        guard let image = Self.images.first(where: { $0.sha256.hasPrefix(sha256) }) else {
            throw APIError.notFound("image", sha256)
        }
        return image
    }

    func rollouts(_ tenant: String) async throws(APIError) -> RolloutList {
        _ = try await codes(tenant)
        rolloutReads += 1
        return rolloutList
    }

    func resumeRollout(_ tenant: String, id: String?, user: String?) async throws(APIError) -> RolloutList {
        _ = try await codes(tenant)
        if let id, id != "r-2" { throw APIError.notFound("rollout", id) }
        var resumed = Self.stalled
        resumed.phase = "running"
        resumed.reason = nil
        resumed.user = user
        return RolloutList(rollouts: [resumed], windowOpen: true)
    }

    func firmwareUpdate(_ tenant: String, request: FirmwareUpdateRequest, user: String?) async throws(APIError)
        -> RolloutStatus
    {
        let known = try await codes(tenant)
        var devices = request.devices
        if let group = request.group {
            guard group == "本社-拠点" else { throw APIError.notFound("group", group) }
            devices += ["tokyo-01", "osaka-02"]
        }
        if let unknown = devices.first(where: { !known.contains($0) }) { throw APIError.notFound("device", unknown) }
        return RolloutStatus(
            id: "r-4", image: request.image, version: "21.7.3", mode: request.mode, phase: "running", user: user,
            revision: nil, reason: nil, currentBatch: 1,
            batches: [
                .init(
                    index: 1, canary: false, devices: devices, done: 0, failed: 0, inFlight: 0,
                    pending: devices.count, skipped: 0)
            ],
            counts: ["pending": devices.count], failed: [:], skipped: [:], created: Self.at)
    }

    // MARK: config archive

    func configLog(_ tenant: String, device: String, limit: Int) async throws(APIError) -> ConfigLog {
        guard try await codes(tenant).contains(device) else { throw APIError.notFound("device", device) }
        let entries = [
            ConfigLogEntry(
                revision: "5d41402abc4b2a76b9719d911017c592aaaabbbb", time: 1_795_741_323 + 600,
                author: "cmsd <cmsd@acme>", subject: "\(device): running config after apply of abc123",
                message: "", files: ["\(device)/running.xml"]),
            ConfigLogEntry(
                revision: "7d793037a0760186574b0282f2f435e7ccccdddd", time: 1_795_741_323,
                author: "alice (API)", subject: "\(device): pulled by alice, \"first\" copy",
                message: "", files: ["\(device)/running.xml", "\(device)/show-config.txt"]),
        ]
        return ConfigLog(device: device, entries: Array(entries.prefix(limit)))
    }

    private func unsupported() -> APIError {
        APIError(status: 501, code: "not-implemented", message: "the fleet fake only keeps a config log")
    }

    func configPull(_ tenant: String, device: String, format: String, user: String?) async throws(APIError)
        -> ConfigFile
    {
        guard try await codes(tenant).contains(device) else { throw APIError.notFound("device", device) }
        throw unsupported()
    }

    func configPush(
        _ tenant: String, device: String, format: String, url: String, passwordSecret: String?, keySecret: String?,
        passphraseSecret: String?, hostKey: String?, user: String?
    ) async throws(APIError) -> ConfigRestoreAccepted { throw unsupported() }

    func configDiff(_ tenant: String, device: String, from: String?, to: String?) async throws(APIError) -> ConfigDiff {
        guard try await codes(tenant).contains(device) else { throw APIError.notFound("device", device) }
        throw unsupported()
    }

    func configShow(_ tenant: String, device: String, format: String, revision: String?) async throws(APIError)
        -> ConfigFile
    {
        guard try await codes(tenant).contains(device) else { throw APIError.notFound("device", device) }
        throw unsupported()
    }

    func configRestore(_ tenant: String, device: String, request: ConfigRestoreRequest, user: String?)
        async throws(APIError) -> ConfigRestoreAccepted
    {
        guard try await codes(tenant).contains(device) else {
            throw APIError(status: 404, code: "device-not-found", message: "no managed device '\(device)' in this tenant")
        }
        throw unsupported()
    }

    // MARK: schedules

    func schedules(_ tenant: String, next: Int) async throws(APIError) -> ScheduleList {
        _ = try await codes(tenant)
        let fires = [
            ScheduleListing.FireTime(utc: "2026-11-27 18:30", local: "2026-11-28 03:30"),
            ScheduleListing.FireTime(utc: "2026-11-28 18:30", local: "2026-11-29 03:30"),
            ScheduleListing.FireTime(utc: "2026-11-29 18:30", local: "2026-11-30 03:30"),
        ]
        return ScheduleList(
            tenant: tenant, timeZone: "Asia/Tokyo", graceMinutes: 10, respectMaintenanceWindows: true,
            revision: "abc123",
            schedules: [
                ScheduleListing(
                    name: "nightly-syslog", command: "fetch-syslog", firmware: nil, target: "all devices", repeat: true,
                    when: "every day 03:30", note: "", carriedOut: true, reason: nil, lastFire: "2026-11-26 18:30",
                    done: false, next: Array(fires.prefix(next))),
                ScheduleListing(
                    name: "g110-update", command: "firmware-update", firmware: "nxr-g110-21.7.3", target: "group 本社-拠点",
                    repeat: false, when: "2026-11-01 02:00", note: "", carriedOut: true,
                    reason: "its time has passed: it fired on 2026-11-01", lastFire: "2026-10-31 17:00", done: true,
                    next: []),
            ])
    }
}
