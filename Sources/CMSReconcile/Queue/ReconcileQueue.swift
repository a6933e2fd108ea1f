/// The work queue of device runs (Kubernetes workqueue semantics, DESIGN §3): a value, no threads — `cmsd`'s one
/// worker service (`CMSDaemon.WorkQueue`) calls ``nextWork()`` and ``finished(_:)`` for every tenant.
///
/// - De-duplicating: a device waits at most once per ``WorkKind``.
/// - One run per device at a time, whatever its kind: a device enqueued while it runs is queued again when it
///   finishes (so a change that arrived mid-run is never lost, and never runs concurrently).
/// - Caps: at most `globalLimit` runs at once; per tenant at most ``TenantLimits/config`` configuration runs and
///   ``TenantLimits/disruptive`` disruptive ones. Caps change in place (``setLimits(_:tenant:)``): a new revision
///   never forgets what runs or waits.
/// - Fair: tenants take turns (round robin, the tenant served longest ago first); within a tenant, work runs in the
///   order it was enqueued (FIFO across both kinds, skipping a kind at its cap). A tenant with a thousand queued
///   devices cannot starve one with a single device, and a tenant at its cap does not hold back the others.
public struct ReconcileQueue: Sendable {
    public let globalLimit: Int
    /// Caps of tenants without their own (``setLimits(_:tenant:)``).
    public let defaultLimits: TenantLimits

    private var limits: [String: TenantLimits]
    /// Waiting work per (tenant, kind), with the ticket it was queued under (stale tickets are skipped).
    private var lanes: [LaneKey: Lane]
    /// Tenants with waiting work, in turn order.
    private var rotation: [String]
    /// Waiting work → its ticket.
    private var queued: [WorkItem: UInt64]
    /// Devices running now, with the kind of their run.
    private var running: [DeviceKey: WorkKind]
    private var runningPerLane: [LaneKey: Int]
    /// Work enqueued while its device ran: queued again when the run finishes.
    private var rerun: Set<WorkItem>
    private var nextTicket: UInt64

    /// Limits below 1 count as 1. `tenantLimit` is every tenant's configuration cap (its disruptive cap is the
    /// default unless set per tenant).
    public init(globalLimit: Int, tenantLimit: Int) {
        self.init(globalLimit: globalLimit, defaultLimits: TenantLimits(config: tenantLimit))
    }

    public init(globalLimit: Int, defaultLimits: TenantLimits = TenantLimits()) {
        self.globalLimit = max(globalLimit, 1)
        self.defaultLimits = defaultLimits
        limits = [:]
        lanes = [:]
        rotation = []
        queued = [:]
        running = [:]
        runningPerLane = [:]
        rerun = []
        nextTicket = 0
    }

    /// Work waiting to run, including work to run again after its device's current run.
    public var queuedCount: Int { queued.count + rerun.count }
    public var runningCount: Int { running.count }
    /// The devices running now.
    public var runningKeys: Set<DeviceKey> { Set(running.keys) }

    public func isQueued(_ key: DeviceKey) -> Bool {
        WorkKind.allCases.contains { queued[WorkItem(key, kind: $0)] != nil || rerun.contains(WorkItem(key, kind: $0)) }
    }
    public func isRunning(_ key: DeviceKey) -> Bool { running[key] != nil }
    /// The kind of the device's current run, nil when it does not run.
    public func runningKind(_ key: DeviceKey) -> WorkKind? { running[key] }
    public func runningCount(tenant: String) -> Int { WorkKind.allCases.reduce(0) { $0 + runningCount(tenant: tenant, kind: $1) } }
    public func runningCount(tenant: String, kind: WorkKind) -> Int { runningPerLane[LaneKey(tenant, kind), default: 0] }
    public func limits(tenant: String) -> TenantLimits { limits[tenant] ?? defaultLimits }

    /// Sets a tenant's caps. Runs already going are kept (lowering a cap only holds back new ones).
    public mutating func setLimits(_ newLimits: TenantLimits, tenant: String) { limits[tenant] = newLimits }

    /// Queues the device once per kind; when it is running, the work runs after the current run finishes.
    public mutating func enqueue(_ key: DeviceKey, kind: WorkKind = .config) {
        let item = WorkItem(key, kind: kind)
        if running[key] != nil {
            rerun.insert(item)
            return
        }
        guard queued[item] == nil else { return }
        nextTicket += 1
        queued[item] = nextTicket
        lanes[LaneKey(key.tenant, kind), default: Lane()].append(item, ticket: nextTicket)
        if !rotation.contains(key.tenant) { rotation.append(key.tenant) }
    }

    /// The next device to run (a configuration or disruptive run), marked running; nil when nothing waits or all
    /// waiting work is held back by a cap.
    public mutating func next() -> DeviceKey? { nextWork()?.key }

    /// The next work to run, marked running; nil when nothing waits or all waiting work is held back by a cap.
    public mutating func nextWork() -> WorkItem? {
        guard running.count < globalLimit else { return nil }
        var drained: [String] = []
        defer { rotation.removeAll { drained.contains($0) } }
        for tenant in rotation {
            var best: (item: WorkItem, ticket: UInt64)?
            var waiting = false
            for kind in WorkKind.allCases {
                guard let front = front(LaneKey(tenant, kind)) else { continue }
                waiting = true
                guard runningCount(tenant: tenant, kind: kind) < limits(tenant: tenant)[kind] else { continue }
                if best == nil || front.ticket < best!.ticket { best = front }
            }
            guard let best else {
                if !waiting { drained.append(tenant) }
                continue
            }
            let lane = LaneKey(tenant, best.item.kind)
            _ = lanes[lane]?.popFirst()
            if lanes[lane]?.isEmpty == true { lanes[lane] = nil }
            // The tenant goes to the back of the line; back in front of nobody when it has nothing left.
            rotation.removeAll { $0 == tenant }
            if WorkKind.allCases.contains(where: { lanes[LaneKey(tenant, $0)] != nil }) { rotation.append(tenant) }
            let key = best.item.key
            queued[best.item] = nil
            // The same device queued for another kind waits for this run to end (one run per device at a time).
            for other in WorkKind.allCases where other != best.item.kind {
                if queued.removeValue(forKey: WorkItem(key, kind: other)) != nil { rerun.insert(WorkItem(key, kind: other)) }
            }
            running[key] = best.item.kind
            runningPerLane[lane, default: 0] += 1
            return best.item
        }
        return nil
    }

    /// The run of `key` is over; queues its work again if it was enqueued meanwhile.
    public mutating func finished(_ key: DeviceKey) {
        guard let kind = running.removeValue(forKey: key) else { return }
        let lane = LaneKey(key.tenant, kind)
        let count = runningPerLane[lane, default: 1] - 1
        runningPerLane[lane] = count > 0 ? count : nil
        for kind in WorkKind.allCases where rerun.remove(WorkItem(key, kind: kind)) != nil { enqueue(key, kind: kind) }
    }

    /// Forgets the waiting work of a device (deleted or suspended). A running one finishes its run but is not
    /// run again.
    public mutating func remove(_ key: DeviceKey) {
        for kind in WorkKind.allCases {
            queued[WorkItem(key, kind: kind)] = nil
            rerun.remove(WorkItem(key, kind: kind))
        }
    }

    /// Forgets every waiting device of a tenant.
    public mutating func remove(tenant: String) {
        for item in queued.keys where item.key.tenant == tenant { queued[item] = nil }
        rerun = rerun.filter { $0.key.tenant != tenant }
        for kind in WorkKind.allCases { lanes[LaneKey(tenant, kind)] = nil }
        rotation.removeAll { $0 == tenant }
    }

    /// The oldest live entry of a lane; stale entries in front are dropped on the way.
    private mutating func front(_ lane: LaneKey) -> (item: WorkItem, ticket: UInt64)? {
        guard var entries = lanes[lane] else { return nil }
        defer { lanes[lane] = entries.isEmpty ? nil : entries }
        while let (item, ticket) = entries.first {
            if queued[item] == ticket { return (item, ticket) }
            _ = entries.popFirst()
        }
        return nil
    }
}

private struct LaneKey: Hashable, Sendable {
    var tenant: String
    var kind: WorkKind

    init(_ tenant: String, _ kind: WorkKind) {
        self.tenant = tenant
        self.kind = kind
    }
}

/// A FIFO of (work, ticket) with amortized O(1) pops.
private struct Lane: Sendable {
    private var items: [(WorkItem, UInt64)] = []
    private var head = 0

    var isEmpty: Bool { head >= items.count }
    var first: (WorkItem, UInt64)? { head < items.count ? items[head] : nil }

    mutating func append(_ item: WorkItem, ticket: UInt64) { items.append((item, ticket)) }

    mutating func popFirst() -> (WorkItem, UInt64)? {
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head > 64, head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }
}
