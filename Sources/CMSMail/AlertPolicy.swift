import CMSModel

/// When monitor-group mails go (SPEC §10, the original's rule exactly), as a value: events in, actions out.
///
/// - Nothing sent within the last interval: the mail goes ``delay`` (10 s) after the event.
/// - Otherwise the events wait and go together, one mail, when the interval since the last mail has passed.
/// - Events arriving before a batch is due join it.
///
/// It also remembers since when each device is down, so a recovery can say how long it was down. The whole value
/// is `Codable`: the daemon stores it with every change, so a restart (even `kill -9`) loses no pending event.
public struct AlertPolicy: Sendable, Equatable, Codable {
    /// What the caller does next.
    public enum Action: Sendable, Equatable {
        /// Wake the policy (``tick(now:)``) at this time.
        case wake(at: Timestamp)
        /// Compose and queue one mail for these events (in the order they happened).
        case send([MonitorEvent])
    }

    /// The original's delay between an event and its mail when nothing was sent recently.
    public static let delay: Duration = .seconds(10)

    /// The tenant's minimum interval between two mails (`minInterval`, 30–3600 s).
    public var interval: Duration
    public private(set) var pending: [MonitorEvent] = []
    /// When the pending events go.
    public private(set) var dueAt: Timestamp?
    /// When the last mail was handed to the queue.
    public private(set) var lastSentAt: Timestamp?
    /// Devices seen DOWN and not UP since, with the time of that first DOWN.
    public private(set) var downSince: [String: Timestamp] = [:]

    public init(interval: Duration) { self.interval = interval }

    /// A monitor event happened.
    public mutating func received(_ event: MonitorEvent) -> [Action] {
        var event = event
        switch event.kind {
        case .down:
            if downSince[event.device] == nil { downSince[event.device] = event.time }
        case .up:
            if let since = downSince.removeValue(forKey: event.device), since <= event.time {
                event.downFor = event.time - since
            }
        }
        pending.append(event)
        if let dueAt { return [.wake(at: dueAt)] }
        let due: Timestamp
        if let lastSentAt, event.time < lastSentAt + interval {
            due = max(lastSentAt + interval, event.time + Self.delay)
        } else {
            due = event.time + Self.delay
        }
        dueAt = due
        return [.wake(at: due)]
    }

    /// Time passed: the pending events go when due.
    public mutating func tick(now: Timestamp) -> [Action] {
        guard let dueAt else { return [] }
        guard now >= dueAt else { return [.wake(at: dueAt)] }
        let batch = pending.sorted { $0.time < $1.time }
        pending = []
        self.dueAt = nil
        guard !batch.isEmpty else { return [] }
        lastSentAt = now
        return [.send(batch)]
    }

    /// The interval changed with a new revision; pending events keep their due time.
    public mutating func setInterval(_ interval: Duration) { self.interval = interval }
}
