import CMSReconcile
import TestSupport
import Testing

private func key(_ tenant: String, _ device: String) -> DeviceKey { DeviceKey(tenant: tenant, device: device) }

@Suite("Reconcile queue")
struct ReconcileQueueTests {
    @Test("a device enqueued twice waits once")
    func deduplicates() {
        var queue = ReconcileQueue(globalLimit: 4, tenantLimit: 4)
        queue.enqueue(key("a", "r1"))
        queue.enqueue(key("a", "r1"))
        #expect(queue.queuedCount == 1)
        #expect(queue.next() == key("a", "r1"))
        #expect(queue.next() == nil)
        #expect(queue.runningCount == 1)
    }

    @Test("a device enqueued while running runs again after it finishes, never twice at once")
    func rerunsAfterFinish() {
        var queue = ReconcileQueue(globalLimit: 4, tenantLimit: 4)
        queue.enqueue(key("a", "r1"))
        #expect(queue.next() == key("a", "r1"))
        queue.enqueue(key("a", "r1"))
        queue.enqueue(key("a", "r1"))
        #expect(queue.queuedCount == 1)
        #expect(queue.isQueued(key("a", "r1")) && queue.isRunning(key("a", "r1")))
        #expect(queue.next() == nil)
        queue.finished(key("a", "r1"))
        #expect(queue.next() == key("a", "r1"))
        queue.finished(key("a", "r1"))
        #expect(queue.next() == nil)
        #expect(queue.queuedCount == 0 && queue.runningCount == 0)
    }

    @Test("the global and per-tenant caps hold, and tenants take turns")
    func caps() {
        var queue = ReconcileQueue(globalLimit: 2, tenantLimit: 1)
        for item in [key("t1", "a"), key("t1", "b"), key("t2", "c"), key("t3", "d")] { queue.enqueue(item) }
        #expect(queue.next() == key("t1", "a"))
        #expect(queue.next() == key("t2", "c"))
        #expect(queue.next() == nil)  // global cap
        queue.finished(key("t1", "a"))
        #expect(queue.next() == key("t3", "d"))  // t3 waited longest
        #expect(queue.next() == nil)
        queue.finished(key("t2", "c"))
        #expect(queue.next() == key("t1", "b"))
        queue.finished(key("t3", "d"))
        #expect(queue.next() == nil)  // nothing left
        #expect(queue.queuedCount == 0)
    }

    @Test("a tenant at its cap does not block other tenants")
    func tenantCapSkips() {
        var queue = ReconcileQueue(globalLimit: 10, tenantLimit: 2)
        for index in 0..<5 { queue.enqueue(key("big", "d\(index)")) }
        queue.enqueue(key("small", "x"))
        #expect(queue.next() == key("big", "d0"))
        #expect(queue.next() == key("small", "x"))
        #expect(queue.next() == key("big", "d1"))
        #expect(queue.next() == nil)
        #expect(queue.runningCount(tenant: "big") == 2)
    }

    @Test("a tenant with many queued devices cannot starve another; each tenant is FIFO")
    func fairness() {
        var queue = ReconcileQueue(globalLimit: 1, tenantLimit: 1)
        for index in 0..<100 { queue.enqueue(key("a", "d\(index)")) }
        queue.enqueue(key("b", "x"))
        queue.enqueue(key("b", "y"))
        var order: [DeviceKey] = []
        while let next = queue.next() {
            order.append(next)
            queue.finished(next)
        }
        #expect(order.count == 102)
        #expect(Array(order.prefix(4)) == [key("a", "d0"), key("b", "x"), key("a", "d1"), key("b", "y")])
        #expect(order.filter { $0.tenant == "a" }.map(\.device) == (0..<100).map { "d\($0)" })
    }

    @Test("a removed device is not run; enqueued again it runs exactly once")
    func remove() {
        var queue = ReconcileQueue(globalLimit: 5, tenantLimit: 5)
        queue.enqueue(key("a", "1"))
        queue.enqueue(key("a", "2"))
        queue.remove(key("a", "1"))
        #expect(queue.queuedCount == 1)
        queue.enqueue(key("a", "1"))
        #expect(queue.next() == key("a", "2"))
        #expect(queue.next() == key("a", "1"))
        #expect(queue.next() == nil)
        // Removed while running: the run finishes, no re-run.
        queue.enqueue(key("a", "1"))
        queue.remove(key("a", "1"))
        queue.finished(key("a", "1"))
        #expect(queue.next() == nil)
        queue.enqueue(key("b", "1"))
        queue.enqueue(key("b", "2"))
        queue.remove(tenant: "b")
        #expect(queue.next() == nil)
        #expect(queue.queuedCount == 0)
    }

    @Test("limits below 1 count as 1")
    func limits() {
        var queue = ReconcileQueue(globalLimit: 0, tenantLimit: -3)
        queue.enqueue(key("a", "1"))
        queue.enqueue(key("b", "1"))
        #expect(queue.next() != nil)
        #expect(queue.next() == nil)
    }

    /// Random enqueues, runs, finishes and removals: caps always hold, a device never runs twice at
    /// once, the queue never idles while eligible work waits, and no enqueued device is lost.
    @Test("caps hold and nothing is lost under random operations", arguments: [1, 2, 3, 42, 2026] as [UInt64])
    func randomized(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let globalLimit = Int.random(in: 1...6, using: &random)
        let tenantLimit = Int.random(in: 1...3, using: &random)
        var queue = ReconcileQueue(globalLimit: globalLimit, tenantLimit: tenantLimit)
        let tenants = ["t0", "t1", "t2", "t3"]
        let keys = tenants.flatMap { tenant in (0..<6).map { key(tenant, "d\($0)") } }
        var running: Set<DeviceKey> = []
        /// Devices that must still run (enqueued after their last run began, and not removed).
        var owed: Set<DeviceKey> = []
        var runs = 0

        func checkNext() {
            let picked = queue.next()
            if let picked {
                #expect(!running.contains(picked), "\(picked) runs twice at once (seed \(seed))")
                #expect(owed.contains(picked), "\(picked) ran without being owed (seed \(seed))")
                running.insert(picked)
                owed.remove(picked)
                runs += 1
            } else {
                let eligible = owed.contains { candidate in
                    !running.contains(candidate) && running.count < globalLimit
                        && running.filter { $0.tenant == candidate.tenant }.count < tenantLimit
                }
                #expect(!eligible, "the queue idles while work waits (seed \(seed))")
            }
            #expect(running.count <= globalLimit)
            for tenant in tenants {
                #expect(running.filter { $0.tenant == tenant }.count <= tenantLimit)
            }
            #expect(queue.runningCount == running.count)
        }

        for _ in 0..<3000 {
            let roll = Int.random(in: 0..<100, using: &random)
            let item = keys.randomElement(using: &random)!
            switch roll {
            case 0..<40:
                queue.enqueue(item)
                owed.insert(item)
            case 40..<70:
                checkNext()
            case 70..<95:
                if let done = running.randomElement(using: &random) {
                    running.remove(done)
                    queue.finished(done)
                }
            default:
                queue.remove(item)
                owed.remove(item)
            }
            #expect(queue.queuedCount == owed.count, "queued count drifts (seed \(seed))")
        }
        // Drain: everything owed runs.
        var guardCount = 0
        while (!owed.isEmpty || !running.isEmpty) && guardCount < 10_000 {
            guardCount += 1
            if let done = running.first {
                running.remove(done)
                queue.finished(done)
            }
            checkNext()
        }
        #expect(owed.isEmpty, "lost: \(owed.sorted()) (seed \(seed))")
        #expect(queue.queuedCount == 0 && queue.runningCount == 0)
        #expect(runs > 100)
    }
}
