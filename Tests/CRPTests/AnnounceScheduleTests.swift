import CRP
import Testing

@Suite("Announce schedule")
struct AnnounceScheduleTests {
    @Test("boot, two quick repeats, then every keepalive")
    func sequenceOfDelays() {
        #expect(AnnounceSchedule.delay(before: 0, keepalive: 3600, random: 0.5) == .zero)
        #expect(AnnounceSchedule.delay(before: 1, keepalive: 3600, random: 0) == .seconds(2))
        #expect(AnnounceSchedule.delay(before: 2, keepalive: 3600, random: 0) == .seconds(4))
        #expect(AnnounceSchedule.delay(before: 3, keepalive: 3600, random: 0) == .seconds(3600))
        #expect(AnnounceSchedule.delay(before: 500, keepalive: 60, random: 0) == .seconds(60))
    }

    @Test("jitter only shortens, by at most 10 %", arguments: [0.0, 0.25, 0.5, 0.999, 1.0, -3, 7, .nan])
    func jitterBounds(random: Double) throws {
        let delay = try #require(AnnounceSchedule.delay(before: 5, keepalive: 1000, random: random))
        #expect(delay <= .seconds(1000))
        #expect(delay >= .seconds(900))
    }

    @Test("different random inputs spread a fleet out")
    func jitterSpreads() {
        let a = AnnounceSchedule.delay(before: 4, keepalive: 3600, random: 0.1)
        let b = AnnounceSchedule.delay(before: 4, keepalive: 3600, random: 0.9)
        #expect(a != b)
        #expect(a == .seconds(3600) * 0.99)
    }

    @Test("repeats are capped by a short keepalive; keepalive 0 stops after the repeats")
    func shortAndZeroKeepalive() {
        #expect(AnnounceSchedule.delay(before: 1, keepalive: 1, random: 0) == .seconds(1))
        #expect(AnnounceSchedule.delay(before: 2, keepalive: 0, random: 0) == .seconds(4))
        #expect(AnnounceSchedule.delay(before: 3, keepalive: 0, random: 0) == nil)
    }
}
