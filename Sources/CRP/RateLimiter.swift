/// One token bucket per key (e.g. per source address), with bounded memory: at most `maxKeys`
/// buckets. When full, buckets that have refilled completely (idle keys) are evicted; if none
/// is idle, a new key is refused until one is.
public struct RateLimiter<Key: Hashable & Sendable>: Sendable {
    public let capacity: Double
    public let refillPerSecond: Double
    public let maxKeys: Int
    private var buckets: [Key: TokenBucket] = [:]
    private var lastSweep: Duration?

    public init(capacity: Double, refillPerSecond: Double, maxKeys: Int = 65_536) {
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
        self.maxKeys = max(maxKeys, 1)
    }

    /// How many keys currently hold a bucket.
    public var count: Int { buckets.count }

    /// Whether an event of `key` at `now` passes (and takes a token if so).
    public mutating func allow(_ key: Key, now: Duration) -> Bool {
        var bucket: TokenBucket
        if let existing = buckets[key] {
            bucket = existing
        } else {
            if buckets.count >= maxKeys {
                // Sweep at most once a second so a flood of new keys costs O(1) per event.
                if let lastSweep, now - lastSweep < .seconds(1) { return false }
                lastSweep = now
                buckets = buckets.filter { $0.value.available(at: now) < capacity }
                if buckets.count >= maxKeys { return false }
            }
            bucket = TokenBucket(capacity: capacity, refillPerSecond: refillPerSecond, now: now)
        }
        let allowed = bucket.take(now: now)
        buckets[key] = bucket
        return allowed
    }
}
