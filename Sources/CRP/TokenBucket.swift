/// A token bucket: holds up to `capacity` tokens, gains `refillPerSecond` per second, and an
/// event passes when a token can be taken. Time is given by the caller (any monotonic origin).
public struct TokenBucket: Sendable, Equatable {
    public let capacity: Double
    public let refillPerSecond: Double
    /// Tokens left as of `updated`.
    public private(set) var tokens: Double
    private var updated: Duration

    /// A full bucket at time `now`.
    public init(capacity: Double, refillPerSecond: Double, now: Duration) {
        self.capacity = max(capacity, 0)
        self.refillPerSecond = max(refillPerSecond, 0)
        self.tokens = self.capacity
        self.updated = now
    }

    /// Tokens available at `now` (never above capacity; time going backwards adds nothing).
    public func available(at now: Duration) -> Double {
        let elapsed = now > updated ? (now - updated).seconds : 0
        return min(capacity, tokens + elapsed * refillPerSecond)
    }

    /// Takes `cost` tokens if available at `now`; returns whether it did.
    public mutating func take(now: Duration, cost: Double = 1) -> Bool {
        tokens = available(at: now)
        if now > updated { updated = now }
        guard tokens >= cost else { return false }
        tokens -= cost
        return true
    }
}

extension Duration {
    /// This duration in seconds as a Double.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
