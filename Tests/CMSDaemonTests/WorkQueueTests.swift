import CMSDaemon
import CMSReconcile
import Testing

/// The daemon's one work queue without devices: workers are held open by the test and released one by one, so the
/// order is decided by the test, not by timing.
@Suite struct WorkQueueTests {
    /// Counts runs per device and holds each open until released.
    actor Probe {
        private(set) var starts: [String: Int] = [:]
        private(set) var mostAtOnce: [String: Int] = [:]
        private var now: [String: Int] = [:]
        private var held: [String: CheckedContinuation<Void, Never>] = [:]
        let started: AsyncStream<String>
        private let startedSink: AsyncStream<String>.Continuation

        init() { (started, startedSink) = AsyncStream.makeStream() }

        func run(_ device: String, _ kind: WorkKind) async {
            starts[device, default: 0] += 1
            now[device, default: 0] += 1
            mostAtOnce[device] = max(mostAtOnce[device, default: 0], now[device, default: 0])
            await withCheckedContinuation { continuation in
                held[device] = continuation
                startedSink.yield("\(device):\(kind.rawValue)")
            }
            now[device, default: 0] -= 1
        }

        func release(_ device: String) { held.removeValue(forKey: device)?.resume() }
    }

    @Test func workEnqueuedWhileADeviceRunsWaitsForItAndSurvivesACapChange() async {
        let work = WorkQueue(globalLimit: 4)
        let probe = Probe()
        var started = probe.started.makeAsyncIterator()
        work.register(tenant: "t", limits: TenantLimits()) { device, kind in await probe.run(device, kind) }
        #expect(work.enqueue(DeviceKey(tenant: "t", device: "r1")))
        #expect(await started.next() == "r1:config")
        // A new revision arrives: caps change, every device is enqueued again.
        work.setLimits(TenantLimits(config: 8, disruptive: 2), tenant: "t")
        work.enqueue(DeviceKey(tenant: "t", device: "r1"))
        work.enqueue(DeviceKey(tenant: "t", device: "r1"), kind: .disruptive)
        #expect(work.running(tenant: "t") == ["r1"])
        #expect(work.isQueued(DeviceKey(tenant: "t", device: "r1")))
        await probe.release("r1")
        #expect(await started.next() == "r1:config")
        await probe.release("r1")
        #expect(await started.next() == "r1:disruptive")
        await probe.release("r1")
        await work.shutdown(tenant: "t")
        #expect(await probe.starts == ["r1": 3])
        #expect(await probe.mostAtOnce == ["r1": 1], "never two runs of one device at once")
        #expect(work.running(tenant: "t").isEmpty)
    }

    @Test func theGlobalCapIsSharedByTenantsThatTakeTurns() async {
        let work = WorkQueue(globalLimit: 1)
        let probe = Probe()
        var started = probe.started.makeAsyncIterator()
        for tenant in ["a", "b"] {
            work.register(tenant: tenant, limits: TenantLimits()) { device, kind in await probe.run(device, kind) }
        }
        work.enqueue(DeviceKey(tenant: "a", device: "a1"))
        #expect(await started.next() == "a1:config")
        for device in ["a2", "a3"] { work.enqueue(DeviceKey(tenant: "a", device: device)) }
        work.enqueue(DeviceKey(tenant: "b", device: "b1"))
        await probe.release("a1")
        var order = ["a1:config"]
        for _ in 0..<3 {
            guard let next = await started.next() else { break }
            order.append(next)
            #expect(work.running(tenant: "a").count + work.running(tenant: "b").count == 1)
            await probe.release(String(next.prefix { $0 != ":" }))
        }
        // a queued a2 and a3 before b queued b1; after a2, it is b's turn.
        #expect(order == ["a1:config", "a2:config", "b1:config", "a3:config"])
        await work.shutdown(tenant: "a")
        await work.shutdown(tenant: "b")
    }

    @Test func aTenantWithoutAWorkerGetsNothingQueued() async {
        let work = WorkQueue(globalLimit: 2)
        #expect(!work.enqueue(DeviceKey(tenant: "nobody", device: "x")))
        #expect(!work.isQueued(DeviceKey(tenant: "nobody", device: "x")))
    }
}
