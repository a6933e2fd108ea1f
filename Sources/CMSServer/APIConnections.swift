import Foundation
import NIOCore

/// The API's open connections, shared by every event loop: admits a new connection under the cap, picks the
/// connection to give way at the cap, and counts what happened (for metrics and the attack tests).
///
/// The decisions are plain values under one lock; the channel handler (``ConnectionGuardHandler``) does the I/O.
public final class APIConnections: @unchecked Sendable {
    /// What to do with a connection that was just accepted.
    enum Admission {
        /// Serve it.
        case admitted
        /// Serve it and close this other one (the oldest connection not in the middle of a request).
        case admittedInPlaceOf(any Channel)
        /// Every connection is busy: answer 503 and close it.
        case refused
    }

    /// Counters since the server started.
    public struct Counts: Sendable, Hashable {
        /// Connections open now.
        public var open = 0
        /// Connections accepted and served.
        public var admitted = 0
        /// Connections closed at the cap to make room for a new one.
        public var displaced = 0
        /// Connections refused (503) because every connection was busy.
        public var refused = 0
        /// Connections closed because their request head (or the next request) did not come in time.
        public var timedOut = 0
    }

    private struct Entry {
        let channel: any Channel
        let order: UInt64
        /// A request head arrived and its response is not written yet.
        var busy: Bool
    }

    public let maxConnections: Int
    private let lock = NSLock()
    private var entries: [ObjectIdentifier: Entry] = [:]
    private var nextOrder: UInt64 = 0
    private var counts = Counts()

    public init(maxConnections: Int) { self.maxConnections = max(maxConnections, 1) }

    /// A snapshot of the counters.
    public var snapshot: Counts { lock.withLock { counts } }

    func admit(_ channel: any Channel) -> Admission {
        lock.withLock {
            let key = ObjectIdentifier(channel)
            if entries[key] != nil { return .admitted }
            var displaced: (any Channel)?
            if entries.count >= maxConnections {
                // The oldest connection that is not serving a request gives way: a slow or idle client cannot hold
                // a slot against one that sends its request promptly.
                guard let victim = entries.filter({ !$0.value.busy }).min(by: { $0.value.order < $1.value.order }) else {
                    counts.refused += 1
                    return .refused
                }
                entries[victim.key] = nil
                counts.displaced += 1
                displaced = victim.value.channel
            }
            nextOrder += 1
            entries[key] = Entry(channel: channel, order: nextOrder, busy: false)
            counts.admitted += 1
            counts.open = entries.count
            if let displaced { return Admission.admittedInPlaceOf(displaced) }
            return Admission.admitted
        }
    }

    func setBusy(_ channel: any Channel, _ busy: Bool) {
        lock.withLock { entries[ObjectIdentifier(channel)]?.busy = busy }
    }

    func timedOut() { lock.withLock { counts.timedOut += 1 } }

    func closed(_ channel: any Channel) {
        lock.withLock {
            entries[ObjectIdentifier(channel)] = nil
            counts.open = entries.count
        }
    }
}
