import Foundation
import Testing

@testable import TenantSource

private actor OnExecutor {
    nonisolated var unownedExecutor: UnownedSerialExecutor { BlockingExecutorTests.executor.asUnownedSerialExecutor() }
    private var order: [Int] = []

    func onExecutorThread() -> Bool { BlockingExecutorTests.executor.isCurrent }
    func append(_ value: Int) { order.append(value) }
    func values() -> [Int] { order }
}

@Suite struct BlockingExecutorTests {
    static let executor = BlockingExecutor(name: "cms-test-blocking")

    @Test func anActorOnTheBlockingExecutorRunsOnItsOwnThreadNotOnThePool() async {
        let actor = OnExecutor()
        #expect(await actor.onExecutorThread())
        #expect(!BlockingExecutorTests.executor.isCurrent)
    }

    @Test func jobsStayInOrderAndNoneIsLost() async {
        let actor = OnExecutor()
        for value in 0..<500 { await actor.append(value) }
        #expect(await actor.values() == Array(0..<500))
    }
}
