/// When a device sends its announcements (docs/crp.md §7): one at boot, two quick repeats
/// (UDP may be lost while the uplink settles), then one per keepalive interval. Every delay is
/// shortened by a random 0–10 % so a fleet that booted together spreads out, and never
/// lengthened, so a listener may treat "no announcement for 2 × keepalive" as silence.
public enum AnnounceSchedule {
    /// Delays before the 2nd and 3rd announcement of a boot (each capped at the keepalive).
    public static let bootRepeats: [Duration] = [.seconds(2), .seconds(4)]
    /// The largest fraction a delay is shortened by.
    public static let jitterFraction = 0.1

    /// The delay between announcement `index - 1` and announcement `index` of one boot
    /// (index 0, the boot announcement, is sent at once: `.zero`). `random` is a uniform
    /// number in [0, 1) (clamped). Nil means no further announcement (keepalive 0 after the
    /// boot repeats).
    public static func delay(before index: Int, keepalive: UInt32, random: Double) -> Duration? {
        guard index > 0 else { return .zero }
        let r = random.isFinite ? min(max(random, 0), 1) : 0
        let base: Duration
        if index <= bootRepeats.count {
            let repeatDelay = bootRepeats[index - 1]
            base = keepalive > 0 ? min(repeatDelay, .seconds(keepalive)) : repeatDelay
        } else {
            guard keepalive > 0 else { return nil }
            base = .seconds(keepalive)
        }
        return base * (1 - jitterFraction * r)
    }
}
