import CRP
import Testing

@Suite("Token bucket and rate limiter")
struct RateLimitTests {
    /// Replays events against a bucket and returns which passed.
    func outcomes(_ bucket: inout TokenBucket, _ times: [Duration]) -> [Bool] {
        times.map { bucket.take(now: $0) }
    }

    func outcomes<K>(_ limiter: inout RateLimiter<K>, _ events: [(K, Duration)]) -> [Bool] {
        events.map { limiter.allow($0.0, now: $0.1) }
    }

    @Test("a bucket allows a burst of its capacity, then the refill rate")
    func bucket() {
        var bucket = TokenBucket(capacity: 3, refillPerSecond: 2, now: .zero)
        let passed = outcomes(
            &bucket,
            [
                .zero, .zero, .zero, .zero, .milliseconds(400), .milliseconds(500),
                .milliseconds(500),
            ])
        #expect(passed == [true, true, true, false, false, true, false])
        #expect(bucket.available(at: .seconds(100)) == 3)  // capped at capacity
    }

    @Test("time going backwards adds no tokens")
    func backwards() {
        var bucket = TokenBucket(capacity: 1, refillPerSecond: 1, now: .seconds(10))
        let passed = outcomes(&bucket, [.seconds(10), .seconds(5), .seconds(10.5), .seconds(11)])
        #expect(passed == [true, false, false, true])
    }

    @Test("each key has its own bucket")
    func perKey() {
        var limiter = RateLimiter<String>(capacity: 1, refillPerSecond: 1)
        let passed = outcomes(&limiter, [("a", .zero), ("a", .zero), ("b", .zero), ("a", .seconds(1))])
        #expect(passed == [true, false, true, true])
    }

    @Test("memory stays bounded: idle keys are evicted, busy ones keep new keys out")
    func bounded() {
        var limiter = RateLimiter<Int>(capacity: 2, refillPerSecond: 1, maxKeys: 3)
        let first = outcomes(&limiter, [(0, .zero), (1, .zero), (2, .zero), (99, .zero)])
        #expect(first == [true, true, true, false])  // all three busy (1 token left each)
        #expect(limiter.count == 3)
        let later = outcomes(&limiter, [(98, .milliseconds(500)), (99, .seconds(2))])
        #expect(later == [false, true])  // no sweep within a second; then all idle → swept
        #expect(limiter.count == 1)
    }
}
