import CMSReconcile
import Synchronization

/// `cmsd`'s one work queue and its workers (issue 10): every tenant's device runs go through one
/// ``ReconcileQueue`` (global cap, per-tenant caps for configuration and disruptive work, round robin between
/// tenants), and this service starts each run the queue hands out on the tenant's registered worker.
///
/// The queue is the only record of what runs: a device is never started twice at once, and a tenant adopting a new
/// revision only changes its caps (``setLimits(_:tenant:)``) — waiting and running work stays. The run tasks are
/// owned here and awaited by ``shutdown(tenant:)``; nothing else spawns reconcile runs.
///
/// Synchronous entry points (a `Mutex`, held only for queue bookkeeping, never across an `await`) so that a trigger
/// (announcement, timer, webhook) enqueues without an actor hop.
public final class WorkQueue: Sendable {
    /// What a tenant does with one piece of work; returns when the run is over (its follow-up already handled).
    public typealias Worker = @Sendable (_ device: String, _ kind: WorkKind) async -> Void

    private struct State: ~Copyable {
        var queue: ReconcileQueue
        var workers: [String: Worker] = [:]
        var tasks: [DeviceKey: Task<Void, Never>] = [:]
    }

    private let state: Mutex<State>

    /// `globalLimit`: runs at once over all tenants (`limits.concurrency` of `cmsd.yaml`).
    public init(globalLimit: Int, defaultLimits: TenantLimits = TenantLimits()) {
        state = Mutex(State(queue: ReconcileQueue(globalLimit: globalLimit, defaultLimits: defaultLimits)))
    }

    public var globalLimit: Int { state.withLock { $0.queue.globalLimit } }

    /// Attaches a tenant's worker. Work is accepted only for tenants with a worker.
    public func register(tenant: String, limits: TenantLimits, worker: @escaping Worker) {
        state.withLock { state in
            state.workers[tenant] = worker
            state.queue.setLimits(limits, tenant: tenant)
            pump(&state)
        }
    }

    /// Changes a tenant's caps in place (a new revision's `rollout.maxConcurrent`).
    public func setLimits(_ limits: TenantLimits, tenant: String) {
        state.withLock { state in
            state.queue.setLimits(limits, tenant: tenant)
            pump(&state)
        }
    }

    /// Queues work for a device (de-duplicated; after its current run if it runs now). False (and nothing queued)
    /// when the tenant has no worker (not started, or shut down).
    @discardableResult
    public func enqueue(_ key: DeviceKey, kind: WorkKind = .config) -> Bool {
        state.withLock { state in
            guard state.workers[key.tenant] != nil else { return false }
            state.queue.enqueue(key, kind: kind)
            pump(&state)
            return true
        }
    }

    /// Forgets a device's waiting work; a run in progress goes on (``waitForRun(_:)`` awaits it).
    public func remove(_ key: DeviceKey) {
        state.withLock { $0.queue.remove(key) }
    }

    /// Waits until the device's current run (if any) is over.
    public func waitForRun(_ key: DeviceKey) async {
        let task = state.withLock { $0.tasks[key] }
        await task?.value
    }

    /// Drops a tenant: its waiting work is forgotten, its worker detached, its running runs awaited.
    public func shutdown(tenant: String) async {
        let running = state.withLock { state in
            state.queue.remove(tenant: tenant)
            state.workers[tenant] = nil
            return state.tasks.filter { $0.key.tenant == tenant }.map(\.value)
        }
        for task in running { await task.value }
    }

    /// The devices of a tenant running now, sorted.
    public func running(tenant: String) -> [String] {
        state.withLock { $0.queue.runningKeys.filter { $0.tenant == tenant }.map(\.device).sorted() }
    }

    public func isQueued(_ key: DeviceKey) -> Bool { state.withLock { $0.queue.isQueued(key) } }

    /// Starts every run the caps allow. Called with the lock held; a task only begins after it is recorded.
    private func pump(_ state: inout State) {
        while let item = state.queue.nextWork() {
            guard let worker = state.workers[item.key.tenant] else {
                state.queue.finished(item.key)  // unreachable: enqueue refuses tenants without a worker
                continue
            }
            state.tasks[item.key] = Task {
                await worker(item.key.device, item.kind)
                self.finished(item.key)
            }
        }
    }

    private func finished(_ key: DeviceKey) {
        state.withLock { state in
            state.tasks[key] = nil
            state.queue.finished(key)
            pump(&state)
        }
    }
}
