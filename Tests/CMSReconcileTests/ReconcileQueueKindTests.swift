import CMSReconcile
import Testing

/// Table tests for the two per-tenant caps (configuration runs, disruptive operations) and for caps that change
/// while work waits and runs (a new revision's `rollout.maxConcurrent`, issue 10).
@Suite("Reconcile queue: work kinds and caps")
struct ReconcileQueueKindTests {
    enum Step: Sendable {
        case enqueue(String, String, WorkKind)
        /// `nextWork()` must return this (nil: nothing may start).
        case next(String, String, WorkKind)
        case none
        case finish(String, String)
        case limits(String, config: Int, disruptive: Int)
        case remove(String, String)
        case queued(Int)
    }

    struct Scenario: Sendable, CustomTestStringConvertible {
        var name: String
        var globalLimit: Int = 10
        var steps: [Step]
        var testDescription: String { name }
    }

    static let scenarios: [Scenario] = [
        Scenario(
            name: "changing a tenant's caps keeps what runs and what waits",
            steps: [
                .enqueue("a", "1", .config), .next("a", "1", .config),
                .limits("a", config: 1, disruptive: 1),
                .enqueue("a", "1", .config), .enqueue("a", "2", .config), .queued(2),
                .none,  // a/1 still runs and the new cap is 1
                .finish("a", "1"), .next("a", "2", .config), .none,
                .finish("a", "2"), .next("a", "1", .config), .finish("a", "1"), .none, .queued(0),
            ]),
        Scenario(
            name: "the disruptive cap holds while configuration runs go on",
            steps: [
                .limits("a", config: 5, disruptive: 1),
                .enqueue("a", "1", .disruptive), .enqueue("a", "2", .disruptive), .enqueue("a", "3", .config),
                .next("a", "1", .disruptive), .next("a", "3", .config), .none,
                .finish("a", "1"), .next("a", "2", .disruptive), .none,
            ]),
        Scenario(
            name: "the configuration cap holds while a disruptive operation may still start",
            steps: [
                .limits("a", config: 1, disruptive: 2),
                .enqueue("a", "1", .config), .enqueue("a", "2", .config), .enqueue("a", "3", .disruptive),
                .next("a", "1", .config), .next("a", "3", .disruptive), .none,
                .finish("a", "1"), .next("a", "2", .config),
            ]),
        Scenario(
            name: "a device queued for both kinds runs one at a time, oldest first",
            steps: [
                .enqueue("a", "1", .config), .enqueue("a", "1", .disruptive), .queued(2),
                .next("a", "1", .config), .none, .queued(1),
                .finish("a", "1"), .next("a", "1", .disruptive), .none, .queued(0),
            ]),
        Scenario(
            name: "disruptive work asked for during a configuration run starts after it",
            steps: [
                .enqueue("a", "1", .config), .next("a", "1", .config),
                .enqueue("a", "1", .disruptive), .none,
                .finish("a", "1"), .next("a", "1", .disruptive),
            ]),
        Scenario(
            name: "both kinds count against the global cap; tenants take turns",
            globalLimit: 2,
            steps: [
                .enqueue("a", "1", .disruptive), .enqueue("a", "2", .config), .enqueue("b", "1", .config),
                .next("a", "1", .disruptive), .next("b", "1", .config), .none,
                .finish("a", "1"), .next("a", "2", .config),
            ]),
        Scenario(
            name: "removing a device forgets its work of both kinds",
            steps: [
                .enqueue("a", "1", .config), .enqueue("a", "1", .disruptive), .enqueue("a", "2", .config),
                .remove("a", "1"), .queued(1), .next("a", "2", .config), .none,
            ]),
        Scenario(
            name: "caps below 1 count as 1",
            steps: [
                .limits("a", config: 0, disruptive: -5),
                .enqueue("a", "1", .config), .enqueue("a", "2", .config), .enqueue("a", "3", .disruptive),
                .enqueue("a", "4", .disruptive),
                .next("a", "1", .config), .next("a", "3", .disruptive), .none,
            ]),
    ]

    @Test(arguments: scenarios)
    func scenario(_ scenario: Scenario) {
        var queue = ReconcileQueue(globalLimit: scenario.globalLimit)
        for (index, step) in scenario.steps.enumerated() {
            let at = "step \(index + 1)"
            switch step {
            case .enqueue(let tenant, let device, let kind):
                queue.enqueue(DeviceKey(tenant: tenant, device: device), kind: kind)
            case .next(let tenant, let device, let kind):
                #expect(queue.nextWork() == WorkItem(DeviceKey(tenant: tenant, device: device), kind: kind), "\(at)")
            case .none:
                #expect(queue.nextWork() == nil, "\(at)")
            case .finish(let tenant, let device):
                queue.finished(DeviceKey(tenant: tenant, device: device))
            case .limits(let tenant, let config, let disruptive):
                queue.setLimits(TenantLimits(config: config, disruptive: disruptive), tenant: tenant)
            case .remove(let tenant, let device):
                queue.remove(DeviceKey(tenant: tenant, device: device))
            case .queued(let count):
                #expect(queue.queuedCount == count, "\(at)")
            }
        }
    }

    @Test("the default caps: 256 configuration runs, 40 disruptive operations per tenant")
    func defaults() {
        var queue = ReconcileQueue(globalLimit: 1000)
        for index in 0..<300 { queue.enqueue(DeviceKey(tenant: "a", device: "c\(index)")) }
        for index in 0..<50 { queue.enqueue(DeviceKey(tenant: "a", device: "d\(index)"), kind: .disruptive) }
        var started: [WorkKind: Int] = [:]
        while let item = queue.nextWork() { started[item.kind, default: 0] += 1 }
        #expect(started == [.config: 256, .disruptive: 40])
        #expect(queue.runningCount(tenant: "a", kind: .config) == 256)
        #expect(queue.runningCount(tenant: "a") == 296)
    }
}
