/// The work queue of device reconciles (Kubernetes workqueue semantics, DESIGN §3): a value, no
/// threads — the daemon's workers call ``next()`` and ``finished(_:)``.
///
/// - De-duplicating: a device waits in the queue at most once.
/// - One run per device at a time: a device enqueued while it runs is queued again when it finishes
///   (so a change that arrived mid-run is never lost, and never runs concurrently).
/// - Caps: at most `globalLimit` runs at once, at most `tenantLimit` per tenant.
/// - Fair: tenants take turns (round robin, the tenant served longest ago first); within a tenant,
///   devices run in the order they were enqueued (FIFO). A tenant with a thousand queued devices
///   cannot starve one with a single device.
public struct ReconcileQueue: Sendable {
    public let globalLimit: Int
    public let tenantLimit: Int

    /// Waiting devices per tenant, with the ticket they were queued under (stale tickets are skipped).
    private var lanes: [String: Lane]
    /// Tenants with waiting devices, in turn order.
    private var rotation: [String]
    /// Waiting device → its ticket.
    private var queued: [DeviceKey: UInt64]
    private var running: Set<DeviceKey>
    private var runningPerTenant: [String: Int]
    /// Devices enqueued while running: queued again when they finish.
    private var rerun: Set<DeviceKey>
    private var nextTicket: UInt64

    /// Limits below 1 count as 1.
    public init(globalLimit: Int, tenantLimit: Int) {
        self.globalLimit = max(globalLimit, 1)
        self.tenantLimit = max(tenantLimit, 1)
        lanes = [:]
        rotation = []
        queued = [:]
        running = []
        runningPerTenant = [:]
        rerun = []
        nextTicket = 0
    }

    /// Devices waiting to run, including those to run again after their current run.
    public var queuedCount: Int { queued.count + rerun.count }
    public var runningCount: Int { running.count }
    /// The devices running now.
    public var runningKeys: Set<DeviceKey> { running }

    public func isQueued(_ key: DeviceKey) -> Bool { queued[key] != nil || rerun.contains(key) }
    public func isRunning(_ key: DeviceKey) -> Bool { running.contains(key) }
    public func runningCount(tenant: String) -> Int { runningPerTenant[tenant, default: 0] }

    /// Queues the device once; when it is running, it runs again after it finishes.
    public mutating func enqueue(_ key: DeviceKey) {
        if running.contains(key) {
            rerun.insert(key)
            return
        }
        guard queued[key] == nil else { return }
        nextTicket += 1
        queued[key] = nextTicket
        lanes[key.tenant, default: Lane()].append(key, ticket: nextTicket)
        if !rotation.contains(key.tenant) { rotation.append(key.tenant) }
    }

    /// The next device to run, marked running; nil when nothing waits or every waiting device's
    /// tenant (or the whole queue) is at its cap.
    public mutating func next() -> DeviceKey? {
        guard running.count < globalLimit else { return nil }
        for (index, tenant) in rotation.enumerated() where runningPerTenant[tenant, default: 0] < tenantLimit {
            guard var lane = lanes[tenant] else { continue }
            var picked: DeviceKey?
            while let (key, ticket) = lane.popFirst() {
                if queued[key] == ticket {
                    picked = key
                    break
                }
            }
            rotation.remove(at: index)
            if lane.isEmpty {
                lanes[tenant] = nil
            } else {
                lanes[tenant] = lane
                rotation.append(tenant)
            }
            guard let key = picked else { return next() }
            queued[key] = nil
            running.insert(key)
            runningPerTenant[tenant, default: 0] += 1
            return key
        }
        return nil
    }

    /// The run of `key` is over; queues it again if it was enqueued meanwhile.
    public mutating func finished(_ key: DeviceKey) {
        guard running.remove(key) != nil else { return }
        let count = runningPerTenant[key.tenant, default: 1] - 1
        runningPerTenant[key.tenant] = count > 0 ? count : nil
        if rerun.remove(key) != nil { enqueue(key) }
    }

    /// Forgets a waiting device (deleted or suspended). A running one finishes its run but is not
    /// run again.
    public mutating func remove(_ key: DeviceKey) {
        queued[key] = nil
        rerun.remove(key)
    }

    /// Forgets every waiting device of a tenant.
    public mutating func remove(tenant: String) {
        for key in queued.keys where key.tenant == tenant { queued[key] = nil }
        rerun = rerun.filter { $0.tenant != tenant }
        lanes[tenant] = nil
        rotation.removeAll { $0 == tenant }
    }
}

/// A FIFO of (device, ticket) with amortized O(1) pops.
private struct Lane: Sendable {
    private var items: [(DeviceKey, UInt64)] = []
    private var head = 0

    var isEmpty: Bool { head >= items.count }

    mutating func append(_ key: DeviceKey, ticket: UInt64) { items.append((key, ticket)) }

    mutating func popFirst() -> (DeviceKey, UInt64)? {
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
