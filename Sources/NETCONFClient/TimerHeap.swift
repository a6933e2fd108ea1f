#if canImport(Glibc)
    import Glibc
#endif
import HeapModule

/// The event loop's timer list: (deadline, session) pairs in swift-collections' `Heap` (a min-max heap,
/// O(log n) per timer with 10,000+ sessions). Entries are never removed early; when one fires, its session
/// re-checks which of its deadlines are really due, so a stale entry costs one cheap check.
struct TimerHeap {
    struct Entry: Comparable {
        var deadline: UInt64
        var session: UInt64

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.deadline, lhs.session) < (rhs.deadline, rhs.session)
        }
    }

    private var entries = Heap<Entry>()

    var isEmpty: Bool { entries.isEmpty }
    var earliest: UInt64? { entries.min?.deadline }
    var count: Int { entries.count }

    mutating func insert(deadline: UInt64, session: UInt64) {
        entries.insert(Entry(deadline: deadline, session: session))
    }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(now: UInt64) -> Entry? {
        guard let first = entries.min, first.deadline <= now else { return nil }
        return entries.removeMin()
    }
}

/// Monotonic clock in nanoseconds (the loop's only clock).
func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
