import Foundation

/// A clock that moves only when a test says so: every `sleep` registers a sleeper that ``advance(by:)`` wakes
/// once its deadline is reached, in deadline order. Tests of timers (retry, drift, refresh, backoff) advance
/// time instead of sleeping, so they take no real time and cannot lose a race against a loaded machine.
///
/// Why not swift-clocks' `TestClock`: tests here must know that a timer *was armed* before they advance
/// (``sleepers`` and ``waitForSleepers(_:)``), rather than rely on yielding "enough"; and this is one small
/// type, not two more packages to build on every fresh clone.
public final class ManualClock: Clock, @unchecked Sendable {
    public struct Instant: InstantProtocol, Sendable, Hashable, Comparable {
        /// Time since the clock was made.
        public var offset: Duration

        public init(offset: Duration) { self.offset = offset }
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private let lock = NSLock()
    private var current = Instant(offset: .zero)
    private var sleeping: [UInt64: Sleeper] = [:]
    private var nextID: UInt64 = 0
    /// Sleepers cancelled before they registered.
    private var cancelled: Set<UInt64> = []

    public init() {}

    public var now: Instant { lock.withLock { current } }
    public var minimumResolution: Duration { .zero }

    /// Deadlines of the tasks sleeping now, earliest first.
    public var sleepers: [Instant] { lock.withLock { sleeping.values.map(\.deadline).sorted() } }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = lock.withLock { () -> UInt64 in
            nextID += 1
            return nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // A task cancelled before it got here ran `onCancel` already: it must not stay registered.
                let resumeNow = lock.withLock { () -> Bool in
                    if cancelled.remove(id) != nil || deadline <= current { return true }
                    sleeping[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let sleeper = lock.withLock { () -> Sleeper? in
                if let sleeper = sleeping.removeValue(forKey: id) { return sleeper }
                cancelled.insert(id)
                return nil
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }

    /// Moves time forward by `duration`, waking every sleeper whose deadline is reached, earliest first; between
    /// two wake-ups it lets the woken tasks run (they may arm new timers that fall inside the step).
    public func advance(by duration: Duration) async {
        // Tasks made ready just before (a timer being armed) get to register their sleep first.
        await Self.settle()
        let target = now.advanced(by: duration)
        while true {
            let next = lock.withLock { () -> (UInt64, Sleeper)? in
                guard let (id, sleeper) = sleeping.filter({ $0.value.deadline <= target })
                    .min(by: { $0.value.deadline < $1.value.deadline })
                else { return nil }
                sleeping[id] = nil
                current = max(current, sleeper.deadline)
                return (id, sleeper)
            }
            guard let (_, sleeper) = next else { break }
            sleeper.continuation.resume()
            await Self.settle()
        }
        lock.withLock { current = max(current, target) }
        await Self.settle()
    }

    /// Waits (by yielding, not by sleeping) until at least `count` tasks sleep on this clock; false when they do
    /// not get there within a generous number of scheduler turns.
    public func waitForSleepers(_ count: Int, turns: Int = 20_000) async -> Bool {
        for _ in 0..<turns {
            if lock.withLock({ sleeping.count }) >= count { return true }
            await Task.yield()
        }
        return lock.withLock { sleeping.count } >= count
    }

    /// Lets the tasks that were just made ready run before the test goes on.
    static func settle() async {
        for _ in 0..<50 { await Task.yield() }
    }
}

/// Yields (never sleeps) until `condition` holds; false when it does not within `turns` scheduler turns. For
/// socketless tests whose work is all in-process: the number of turns needed depends on the number of hops, not
/// on how loaded the machine is.
public func settled(turns: Int = 50_000, _ condition: () async throws -> Bool) async rethrows -> Bool {
    for _ in 0..<turns {
        if try await condition() { return true }
        await Task.yield()
    }
    return try await condition()
}
