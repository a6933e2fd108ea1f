import CMSModel
import Foundation

/// The body and subject of one monitor mail, from one batch of events (SPEC §10, the guide's §4.13.5 lines).
///
/// Without calm every event is the guide's five lines (`Event:NetConf DOWN`, `CPE ID:…`, `name:…`,
/// `IP Address:…`, `TimeStamp:…`). With calm (the default):
/// - a mass outage — more than `massOutage` devices DOWN within one minute — is one digest block naming them, and
///   the subject says so, instead of one block per device;
/// - a device with at least `flapping` DOWNs in the batch is one block with the counts and the first/last times;
/// - a recovery (UP) says how long the device was down.
public struct AlertComposer: Sendable {
    public var subject: String
    public var calm: Mail.Calm
    public var timeZone: TimeZone

    public init(subject: String, calm: Mail.Calm, timeZone: TimeZone) {
        self.subject = subject
        self.calm = calm
        self.timeZone = timeZone
    }

    public struct Content: Sendable, Equatable {
        public var subject: String
        public var lines: [String]
        /// Devices named in a mass-outage digest (empty when there was none).
        public var massOutage: [String]
        /// Devices summarised as flapping.
        public var flapping: [String]
    }

    public func compose(_ batch: [MonitorEvent]) -> Content {
        let events = batch.sorted { $0.time < $1.time }
        guard calm.enabled else {
            return Content(
                subject: subject, lines: joined(events.map { guideLines($0, downFor: false) }), massOutage: [],
                flapping: [])
        }
        var blocks: [(Timestamp, [String])] = []
        var absorbed = Set<Int>()
        var outageDevices: [String] = []
        if let window = massOutageWindow(events) {
            var seen = Set<String>()
            var lines: [String] = []
            var first: Timestamp?
            var last: Timestamp?
            for index in window where events[index].kind == .down {
                let event = events[index]
                absorbed.insert(index)
                guard seen.insert(event.device).inserted else { continue }
                first = first ?? event.time
                last = event.time
                outageDevices.append(event.device)
                lines.append(
                    "CPE ID:\(event.device) name:\(event.name) IP Address:\(event.address) TimeStamp:\(stamp(event.time))")
            }
            let header = [
                "Event:NetConf DOWN (mass outage: \(outageDevices.count) devices within a minute)",
                "First:\(stamp(first!))", "Last:\(stamp(last!))",
            ]
            blocks.append((first!, header + lines))
        }
        var byDevice: [String: [Int]] = [:]
        for (index, event) in events.enumerated() where !absorbed.contains(index) {
            byDevice[event.device, default: []].append(index)
        }
        var flapping: [String] = []
        for (device, indices) in byDevice {
            let downs = indices.filter { events[$0].kind == .down }.count
            if downs >= calm.flapping {
                flapping.append(device)
                let firstEvent = events[indices.first!]
                let lastEvent = events[indices.last!]
                let ups = indices.count - downs
                blocks.append(
                    (
                        firstEvent.time,
                        [
                            "Event:NetConf FLAPPING (\(downs) DOWN, \(ups) UP)",
                            "CPE ID:\(device)", "name:\(lastEvent.name)", "IP Address:\(lastEvent.address)",
                            "First:\(stamp(firstEvent.time))", "Last:\(stamp(lastEvent.time))",
                            "Now:NetConf \(lastEvent.kind.rawValue)",
                        ]
                    ))
                for index in indices { absorbed.insert(index) }
            }
        }
        for (index, event) in events.enumerated() where !absorbed.contains(index) {
            blocks.append((event.time, guideLines(event, downFor: true)))
        }
        // Stable order: by time, then as built (the digest first at equal times).
        let ordered = blocks.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }
        var subject = self.subject
        if !outageDevices.isEmpty { subject += " - mass outage: \(outageDevices.count) devices DOWN" }
        return Content(
            subject: subject, lines: joined(ordered.map(\.element.1)), massOutage: outageDevices,
            flapping: flapping.sorted())
    }

    /// The first one-minute window holding DOWNs of more than `massOutage` distinct devices, widened to every DOWN
    /// that keeps within a minute of the previous one (a rolling outage stays one digest).
    private func massOutageWindow(_ events: [MonitorEvent]) -> ClosedRange<Int>? {
        let downs = events.indices.filter { events[$0].kind == .down }
        var start = 0
        for end in downs.indices {
            while events[downs[end]].time - events[downs[start]].time > .seconds(60) { start += 1 }
            let devices = Set(downs[start...end].map { events[$0].device })
            if devices.count > calm.massOutage {
                var last = end
                while last + 1 < downs.count, events[downs[last + 1]].time - events[downs[last]].time <= .seconds(60) {
                    last += 1
                }
                return downs[start]...downs[last]
            }
        }
        return nil
    }

    /// The guide's five lines for one event (and, with calm, how long a recovered device was down).
    public func guideLines(_ event: MonitorEvent, downFor: Bool) -> [String] {
        var lines = [
            "Event:NetConf \(event.kind.rawValue)", "CPE ID:\(event.device)", "name:\(event.name)",
            "IP Address:\(event.address)", "TimeStamp:\(stamp(event.time))",
        ]
        if downFor, event.kind == .up, let duration = event.downFor { lines.append("Down for:\(Self.human(duration))") }
        return lines
    }

    private func joined(_ blocks: [[String]]) -> [String] {
        var lines: [String] = []
        for block in blocks {
            if !lines.isEmpty { lines.append("") }
            lines += block
        }
        return lines
    }

    /// `2010/07/05 11:21:54` in the tenant's time zone, as the guide shows.
    public func stamp(_ time: Timestamp) -> String { MailDate.guideStamp(time, in: timeZone) }

    /// `1h 2m 3s`, `4m 5s`, `6s`.
    public static func human(_ duration: Duration) -> String {
        let total = max(0, duration.components.seconds)
        let hours = total / 3600
        let minutes = (total % 3600) / 60
        let seconds = total % 60
        if hours > 0 { return "\(hours)h \(minutes)m \(seconds)s" }
        if minutes > 0 { return "\(minutes)m \(seconds)s" }
        return "\(seconds)s"
    }
}
