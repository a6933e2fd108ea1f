#if canImport(Glibc)
    import Glibc
#endif

/// A binary min-heap of (deadline, session) pairs: the event loop's timer list. Entries are never
/// removed early; when one fires, its session re-checks which of its deadlines are really due, so a
/// stale entry costs one cheap check. O(log n) per timer with 10,000+ sessions.
struct TimerHeap {
    struct Entry {
        var deadline: UInt64
        var session: UInt64
    }

    private var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }
    var earliest: UInt64? { entries.first?.deadline }
    var count: Int { entries.count }

    mutating func insert(deadline: UInt64, session: UInt64) {
        entries.append(Entry(deadline: deadline, session: session))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if entries[parent].deadline <= entries[child].deadline { break }
            entries.swapAt(parent, child)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(now: UInt64) -> Entry? {
        guard let first = entries.first, first.deadline <= now else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < entries.count, entries[left].deadline < entries[smallest].deadline { smallest = left }
                if right < entries.count, entries[right].deadline < entries[smallest].deadline { smallest = right }
                if smallest == parent { break }
                entries.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }
}

/// Monotonic clock in nanoseconds (the loop's only clock).
func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
