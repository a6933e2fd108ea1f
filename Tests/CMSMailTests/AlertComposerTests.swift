import CMSMail
import CMSModel
import Foundation
import Testing

@Suite("AlertComposer: the guide's lines, and calm digests")
struct AlertComposerTests {
    /// 2010/07/05 11:21:54 in Tokyo (the guide's example) = 02:21:54 UTC.
    static let t0 = Timestamp.seconds(1_278_296_514)
    static let tokyo = TimeZone(identifier: "Asia/Tokyo")!

    static func event(_ device: String, _ kind: MonitorEvent.Kind, at seconds: Int64, downFor: Duration? = nil)
        -> MonitorEvent
    {
        MonitorEvent(
            device: device, name: "FutureNet NXR 120A", address: "192.168.1.121", kind: kind,
            time: t0 + .seconds(seconds), downFor: downFor)
    }

    @Test func oneEventIsTheGuidesFiveLinesInTheTenantsTimeZone() {
        let composer = AlertComposer(subject: "s", calm: Mail.Calm(), timeZone: Self.tokyo)
        let content = composer.compose([Self.event("nxr01", .down, at: 0)])
        #expect(
            content.lines == [
                "Event:NetConf DOWN", "CPE ID:nxr01", "name:FutureNet NXR 120A", "IP Address:192.168.1.121",
                "TimeStamp:2010/07/05 11:21:54",
            ])
        #expect(content.subject == "s")
    }

    @Test func aRecoverySaysHowLongItWasDown() {
        let composer = AlertComposer(subject: "s", calm: Mail.Calm(), timeZone: Self.tokyo)
        let content = composer.compose([Self.event("nxr01", .up, at: 0, downFor: .seconds(3725))])
        #expect(content.lines.last == "Down for:1h 2m 5s")
        let original = AlertComposer(subject: "s", calm: Mail.Calm(enabled: false), timeZone: Self.tokyo)
        #expect(!original.compose([Self.event("nxr01", .up, at: 0, downFor: .seconds(5))]).lines.contains { $0.hasPrefix("Down") })
    }

    @Test func aFlappingDeviceIsOneLineWithCountAndFirstAndLastTimes() {
        let composer = AlertComposer(subject: "s", calm: Mail.Calm(flapping: 3), timeZone: Self.tokyo)
        var batch: [MonitorEvent] = []
        for round in 0..<4 {
            batch.append(Self.event("nxr01", .down, at: Int64(round * 20)))
            batch.append(Self.event("nxr01", .up, at: Int64(round * 20 + 10)))
        }
        batch.append(Self.event("nxr02", .down, at: 5))
        let content = composer.compose(batch)
        #expect(content.flapping == ["nxr01"])
        #expect(content.lines.filter { $0.hasPrefix("Event:") } == ["Event:NetConf FLAPPING (4 DOWN, 4 UP)", "Event:NetConf DOWN"])
        #expect(content.lines.contains("First:2010/07/05 11:21:54"))
        #expect(content.lines.contains("Last:2010/07/05 11:23:04"))
        #expect(content.lines.contains("Now:NetConf UP"))
        // Without calm: one block per event, as the original.
        let original = AlertComposer(subject: "s", calm: Mail.Calm(enabled: false), timeZone: Self.tokyo)
        #expect(original.compose(batch).lines.filter { $0.hasPrefix("Event:") }.count == 9)
    }

    @Test(arguments: [(10, false), (11, true)])
    func moreThanNDevicesDownWithinAMinuteIsOneDigest(devices: Int, digest: Bool) {
        let composer = AlertComposer(subject: "[CMS] 監視", calm: Mail.Calm(massOutage: 10), timeZone: Self.tokyo)
        let batch = (0..<devices).map { Self.event("nxr\($0)", .down, at: Int64($0 * 5)) }
        let content = composer.compose(batch)
        #expect(!content.massOutage.isEmpty == digest)
        if digest {
            #expect(content.massOutage.count == devices)
            #expect(content.subject == "[CMS] 監視 - mass outage: \(devices) devices DOWN")
            #expect(content.lines.filter { $0.hasPrefix("Event:") } == ["Event:NetConf DOWN (mass outage: \(devices) devices within a minute)"])
            #expect(content.lines.filter { $0.hasPrefix("CPE ID:") }.count == devices)
        } else {
            #expect(content.lines.filter { $0.hasPrefix("Event:") }.count == devices)
        }
    }

    @Test func downsSpreadOverMoreThanAMinuteAreNoMassOutage() {
        let composer = AlertComposer(subject: "s", calm: Mail.Calm(massOutage: 3), timeZone: Self.tokyo)
        let batch = (0..<6).map { Self.event("nxr\($0)", .down, at: Int64($0 * 40)) }
        #expect(composer.compose(batch).massOutage.isEmpty)
    }
}
