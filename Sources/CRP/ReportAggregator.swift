/// Turns a flood of reports (e.g. announcements from unregistered devices) into a bounded number
/// of events. Per key (e.g. a source address) and interval the first report goes through and the
/// rest are only counted; once the interval is over the count comes out as one ``Summary``.
///
/// Bounded whatever the traffic: at most `maxKeys` keys are tracked, and at most
/// `maxReportsPerInterval` first reports pass per interval in all; reports that do not fit (new
/// keys beyond either limit) are counted in one overflow summary whose key is nil. So an interval
/// yields at most 2 × `maxReportsPerInterval` + 1 events, in O(`maxKeys`) memory, whether the
/// reports come from one source or from millions of spoofed ones. Pure: time is given by the
/// caller (any monotonic origin).
public struct ReportAggregator<Key: Hashable & Sendable>: Sendable {
    /// What the caller should do with one report.
    public enum Verdict: Sendable, Hashable {
        /// The first of its key in this interval: report it in full.
        case report
        /// Counted; it will be part of a ``Summary``.
        case suppressed
    }

    /// Reports counted and not reported in full during one interval.
    public struct Summary: Sendable, Hashable {
        /// The key, or nil for the overflow (keys that were not tracked).
        public var key: Key?
        /// How many reports were suppressed.
        public var count: Int
        /// When the interval began (the caller's time origin).
        public var start: Duration

        public init(key: Key?, count: Int, start: Duration) {
            self.key = key
            self.count = count
            self.start = start
        }
    }

    private struct Window: Sendable {
        var start: Duration
        var suppressed = 0
    }

    public let interval: Duration
    public let maxKeys: Int
    public let maxReportsPerInterval: Int
    private var windows: [Key: Window] = [:]
    private var overflow: Window?
    private var budgetStart: Duration?
    private var budgetUsed = 0
    /// The earliest time a window may have ended (so `due` is O(1) until then).
    private var nextDue: Duration?

    public init(interval: Duration, maxKeys: Int = 1024, maxReportsPerInterval: Int = 50) {
        self.interval = max(interval, .nanoseconds(1))
        self.maxKeys = max(maxKeys, 1)
        self.maxReportsPerInterval = max(maxReportsPerInterval, 1)
    }

    /// How many keys are tracked right now.
    public var trackedKeys: Int { windows.count }

    /// Notes one report of `key` at `now`: says whether to report it in full, and returns the
    /// summaries of intervals that ended meanwhile (as ``due(now:)`` does), to be reported first.
    public mutating func note(_ key: Key, now: Duration) -> (verdict: Verdict, summaries: [Summary]) {
        let summaries = due(now: now)
        if var window = windows[key] {
            window.suppressed += 1
            windows[key] = window
            return (.suppressed, summaries)
        }
        if budgetStart.map({ now - $0 >= interval }) ?? true {
            budgetStart = now
            budgetUsed = 0
        }
        let end = now + interval
        if windows.count < maxKeys, budgetUsed < maxReportsPerInterval {
            windows[key] = Window(start: now)
            budgetUsed += 1
            nextDue = min(nextDue ?? end, end)
            return (.report, summaries)
        }
        if overflow == nil {
            overflow = Window(start: now)
            nextDue = min(nextDue ?? end, end)
        }
        overflow?.suppressed += 1
        return (.suppressed, summaries)
    }

    /// The summaries of the intervals that are over at `now` (with something suppressed), and
    /// forgets those keys. ``note(_:now:)`` calls it; call it from time to time when idle too.
    public mutating func due(now: Duration) -> [Summary] {
        guard let next = nextDue, now >= next else { return [] }
        var summaries: [Summary] = []
        var earliest: Duration?
        for (key, window) in windows {
            if now - window.start >= interval {
                windows[key] = nil
                if window.suppressed > 0 {
                    summaries.append(Summary(key: key, count: window.suppressed, start: window.start))
                }
            } else {
                earliest = min(earliest ?? window.start + interval, window.start + interval)
            }
        }
        if let window = overflow {
            if now - window.start >= interval {
                overflow = nil
                summaries.append(Summary(key: nil, count: window.suppressed, start: window.start))
            } else {
                earliest = min(earliest ?? window.start + interval, window.start + interval)
            }
        }
        nextDue = earliest
        return summaries.sorted { $0.start < $1.start }
    }
}
