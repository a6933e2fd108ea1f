import Foundation
import CMSAPI
import CMSModel

/// A control plane with fixed data for two tenants (`acme`, `globex`) that filters and pages like the
/// real one would, and records what the server asked it, so tests see exactly what crossed the seam.
actor FakeControlPlane: ControlPlane {
    static let since = Timestamp(iso8601: "2026-11-27T01:02:03Z")!
    /// This fake's own key in the records its extensions keep (an address may be reused by a later fake).
    nonisolated let key = UUID()

    /// What the server passed in.
    private(set) var deviceQueries: [DeviceListQuery] = []
    private(set) var eventQueries: [EventQuery] = []
    private(set) var reconciles: [(tenant: String, device: String?, user: String?)] = []
    private(set) var plans: [(tenant: String, revision: String?, native: Bool)] = []
    private(set) var ipsecRefreshes: [Bool] = []
    private var refreshed: Set<String> = []
    /// Webhook deliveries the hook route reported (FakeControlPlane+Webhooks.swift).
    var webhookReports: [(tenant: String, report: WebhookReport)] = []

    var devicesByTenant: [String: [DeviceSummary]] = [
        "acme": [
            DeviceSummary(
                code: "tokyo-01", name: "東京本社ルータ", product: "NXR-G110", state: .connected, sync: .ready,
                firmwareVersion: "21.7.1", serial: "S0001", hostname: "tokyo", controlAddress: "198.51.100.1:830",
                groups: ["本社-拠点"]),
            DeviceSummary(
                code: "osaka-02", name: "大阪支店", product: "NXR-G110", note: "2F rack", state: .disconnected,
                sync: .reconciling, controlAddress: "198.51.100.2:830", groups: ["本社-拠点"]),
            DeviceSummary(
                code: "nagoya-03", name: "=cmd|' /C calc'!A0", product: "NXR-530", state: .awaitingAddress,
                sync: .stalled),
            DeviceSummary(
                code: "fukuoka-04", name: "福岡, \"倉庫\"", product: "NXR-530", state: .suspended, sync: .suspended),
        ],
        "globex": [
            DeviceSummary(code: "gx-1", name: "Globex HQ", product: "NXR-G110", state: .connected, sync: .ready)
        ],
    ]

    var events: [Event] = [
        Event(
            id: 1, time: FakeControlPlane.since, tenant: "acme", type: .gitRevisionFetched, user: "alice",
            revision: "abc123", message: "fetched abc123"),
        Event(
            id: 2, time: FakeControlPlane.since + .seconds(60), tenant: "acme", type: .gitApplySucceeded,
            device: "tokyo-01", user: "alice", revision: "abc123", message: "applied abc123 to tokyo-01"),
        Event(
            id: 3, time: FakeControlPlane.since + .seconds(120), tenant: "acme", type: .deviceDisconnected,
            device: "osaka-02", message: "=HYPERLINK(\"http://evil\"), \"quoted\"\nsecond line",
            details: ["address": "198.51.100.2:830"]),
        Event(
            id: 4, time: FakeControlPlane.since + .seconds(180), tenant: "acme", type: .ipsecAddSucceeded,
            device: "tokyo-01", group: "本社-拠点", message: "IPsec policy added on 東京本社ルータ"),
        Event(
            id: 5, time: FakeControlPlane.since + .seconds(30), tenant: "globex", type: .gitApplyFailed,
            device: "gx-1", message: "globex secret event"),
    ]

    nonisolated func tenantCodes() async -> [String] { ["acme", "globex"] }

    /// The sync status and time zone `tenantStatus` answers (issue 17's exit-status and time-zone tests).
    var statusShown: SyncStatus = .reconciling
    var timeZoneShown: String?
    var appliedShown = "abc123"
    func show(_ status: SyncStatus, timeZone: String? = nil, applied: String = "abc123") {
        statusShown = status
        timeZoneShown = timeZone
        appliedShown = applied
    }
    func addEvent(_ event: Event) { events.append(event) }

    func tenantStatus(_ tenant: String) async throws(APIError) -> TenantStatus {
        let devices = try list(tenant)
        return TenantStatus(
            tenant: tenant,
            condition: SyncCondition(
                status: statusShown, reason: "Applying", message: "2 of 4 devices applied",
                since: Self.since),
            lastAppliedRevision: appliedShown, lastAttemptedRevision: "def456",
            lintErrors: tenant == "acme" ? ["devices/tokyo-01.yaml:3:7: unknown key 'nmae'"] : [],
            lastFetch: Self.since + .seconds(5), counts: DeviceStateCounts(devices.map(\.state)),
            ready: devices.filter { $0.sync == .ready }.count,
            reconciling: devices.filter { $0.sync == .reconciling }.count,
            stalled: devices.filter { $0.sync == .stalled }.count,
            suspended: devices.filter { $0.sync == .suspended }.count, timeZone: timeZoneShown)
    }

    func devices(_ tenant: String, query: DeviceListQuery) async throws(APIError) -> DevicePage {
        deviceQueries.append(query)
        let all = try list(tenant)
        let matching = all.filter { device in
            if !query.states.isEmpty, !query.states.contains(device.state) { return false }
            if let sync = query.sync, device.sync != sync { return false }
            if let field = query.field, let value = query.value {
                let text: String? =
                    switch field {
                    case .code: device.code
                    case .name: device.name
                    case .product: device.product
                    case .note: device.note
                    case .serial: device.serial
                    case .hostname: device.hostname
                    case .controlAddress: device.controlAddress
                    }
                guard let text else { return false }
                return query.exact ? text == value : text.lowercased().contains(value.lowercased())
            }
            return true
        }
        var pageDevices = matching
        if let size = query.pageSize {
            pageDevices = Array(matching.dropFirst((query.page - 1) * size).prefix(size))
        }
        return DevicePage(
            devices: pageDevices, total: matching.count, page: query.page, pageSize: query.pageSize,
            counts: DeviceStateCounts(all.map(\.state)))
    }

    func device(_ tenant: String, code: String) async throws(APIError) -> DeviceDetail {
        guard let summary = try list(tenant).first(where: { $0.code == code }) else {
            throw .notFound("device", code)
        }
        return DeviceDetail(
            summary: summary,
            condition: SyncCondition(status: summary.sync, reason: "Applied", since: Self.since),
            lastAppliedRevision: "abc123", hostKey: "SHA256:Zm9vYmFy", uptimeSeconds: 93_784,
            loadAverage: [0.25, 0.5, 0.75], memoryUsedKiB: 204_800, memoryTotalKiB: 1_048_576,
            interfaces: [
                DeviceDetail.InterfaceInfo(name: "ethernet0", operStatus: "up", addresses: ["192.168.0.1/24"])
            ],
            managedParts: ["baseline": true, "ipsec": false],
            history: [
                ReconcileRecord(
                    started: Self.since, finished: Self.since + .seconds(2), revision: "abc123",
                    outcome: .applied, parts: ["baseline"], message: "applied baseline")
            ])
    }

    func events(_ query: EventQuery) async throws(APIError) -> [Event] {
        eventQueries.append(query)
        let matching = events.filter(query.matches).sorted { $0.time < $1.time }
        let ordered = query.order == .ascending ? matching : matching.reversed()
        return Array(ordered.prefix(query.limit))
    }

    func plan(_ tenant: String, revision: String?, native: Bool) async throws(APIError) -> TenantPlan {
        plans.append((tenant, revision, native))
        switch revision {
        case "clean":
            return TenantPlan(tenant: tenant, revision: "c1ea4")
        case "lint":
            return TenantPlan(tenant: tenant, revision: "11a7", lintErrors: ["devices/x.yaml:1:1: bad"])
        case "missing":
            throw APIError(status: 404, code: "revision-not-found", message: "no revision 'missing' in the repository")
        default:
            let xml = native ? "<config>\n  <system><telnet-server>false</telnet-server></system>\n</config>" : nil
            return TenantPlan(
                tenant: tenant, revision: revision ?? "tip999",
                devices: [
                    TenantPlan.DevicePlan(
                        device: "tokyo-01",
                        parts: [
                            TenantPlan.PartPlan(
                                part: "baseline", summary: ["~ system/telnet-server/enabled: true → false"], native: xml
                            )
                        ]),
                    TenantPlan.DevicePlan(device: "nagoya-03", parts: [], notes: ["never connected"]),
                ],
                deletions: ["old-05"])
        }
    }

    func reconcile(_ tenant: String, device: String?, user: String?) async throws(APIError) -> ReconcileAccepted {
        let devices = try list(tenant)
        reconciles.append((tenant, device, user))
        if let device {
            guard devices.contains(where: { $0.code == device }) else { throw .notFound("device", device) }
            return ReconcileAccepted(devices: [device])
        }
        return ReconcileAccepted(devices: devices.map(\.code))
    }

    func refresh(_ tenant: String) async throws(APIError) -> RefreshResult {
        let isNew = refreshed.insert(tenant).inserted
        return RefreshResult(revision: "tip999", isNew: isNew)
    }

    func ipsecStatus(_ tenant: String, group: String, refresh: Bool) async throws(APIError) -> IPsecGroupStatus {
        ipsecRefreshes.append(refresh)
        guard tenant == "acme", group == "本社-拠点" else { throw .notFound("group", group) }
        return IPsecGroupStatus(
            group: group, type: "star", state: refresh ? .partlyConnected : .notFetched,
            fetched: refresh ? Self.since : nil,
            members: [
                IPsecGroupStatus.Member(
                    device: "tokyo-01", role: "center", registration: .registered,
                    peers: [IPsecGroupStatus.Peer(peer: "osaka-02", selfToPeer: .up, peerToSelf: .down)]),
                IPsecGroupStatus.Member(
                    device: "osaka-02", role: "spoke", registration: .pending, reason: "no control address yet",
                    peers: []),
            ])
    }

    nonisolated func metrics() async -> MetricsSnapshot {
        var snapshot = MetricsSnapshot(
            devicesByState: ["acme": ["connected": 1, "disconnected": 1], "globex": ["connected": 1]],
            devicesBySync: ["acme": ["ready": 1, "stalled": 1, "suspended": 1], "globex": ["ready": 1]],
            reconciles: ["acme": ["applied": 7, "no-changes": 3], "globex": ["failed": 2]],
            reconcileErrors: ["acme": ["retry": 1], "globex": ["terminal": 2]],
            durationBuckets: [0.5, 1, 5], durationCounts: [2, 5, 9], durationSum: 21.25, durationCount: 10,
            fetchErrors: ["acme": 0, "globex": 4],
            announcements: ["accepted": 12, "bad \"mac\"\\x\nline": 1],
            sessionsOpen: 3)
        snapshot.crpDropped = ["bad-signature": 5, "rate-limited": 0]
        return snapshot
    }

    private func list(_ tenant: String) throws(APIError) -> [DeviceSummary] {
        guard let devices = devicesByTenant[tenant] else { throw .notFound("tenant", tenant) }
        return devices
    }
}
