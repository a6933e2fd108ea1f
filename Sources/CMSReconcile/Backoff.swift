/// Capped exponential backoff with jitter, as Flux and controller-runtime retry failed work.
///
/// Attempt `n` (1-based) waits `base · 2^(n-1)`, capped at `cap`, then shortened by up to
/// `jitterFraction` of itself: `delay · (1 − jitterFraction · jitter)`. The jitter is an input in
/// `0...1` (the caller draws it) so the value stays deterministic and testable; out-of-range
/// inputs are clamped. The result never exceeds `cap` and never drops below
/// `(1 − jitterFraction) · min(base, cap)`.
public struct Backoff: Sendable, Hashable, Codable {
    public var base: Duration
    public var cap: Duration
    public var jitterFraction: Double

    public init(base: Duration = .milliseconds(750), cap: Duration = .seconds(15 * 60), jitterFraction: Double = 0.2) {
        self.base = base
        self.cap = cap
        self.jitterFraction = min(max(jitterFraction, 0), 1)
    }

    /// The wait before retry number `attempt` (values below 1 count as 1).
    public func delay(attempt: Int, jitter: Double) -> Duration {
        var delay = base
        var step = 1
        while step < attempt, delay < cap {
            delay = delay * 2
            step += 1
        }
        delay = min(delay, cap)
        let clamped = jitter.isNaN ? 0 : min(max(jitter, 0), 1)
        return delay * (1 - jitterFraction * clamped)
    }
}
