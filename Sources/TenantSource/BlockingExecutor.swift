import Foundation

/// A serial executor on a dedicated thread, for actors whose methods call blocking C libraries
/// (libgit2 fetches and reads). Jobs of such an actor run here instead of on the Swift concurrency
/// pool, so a slow git server never starves the pool that drives NETCONF sessions and the API.
///
/// One shared thread serves every tenant's repository source: fetches run one at a time, which
/// also bounds the load a daemon puts on its git servers.
public final class BlockingExecutor: SerialExecutor, @unchecked Sendable {
    /// The executor of every `TenantRepositorySource`.
    public static let git = BlockingExecutor(name: "cms-git")

    /// The key under which the executor's thread carries its name in `Thread.current.threadDictionary`.
    public static let threadKey = "cms.blocking-executor"
    public let name: String
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    /// Starts the executor's thread; it lives as long as the process.
    public init(name: String) {
        self.name = name
        let thread = Thread { [self] in self.run() }
        thread.name = name
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }

    /// Whether the caller runs on this executor's thread.
    public var isCurrent: Bool { Thread.current.threadDictionary[Self.threadKey] as? String == name }

    private func run() {
        Thread.current.threadDictionary[Self.threadKey] = name
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedSerialExecutor())
        }
    }
}
