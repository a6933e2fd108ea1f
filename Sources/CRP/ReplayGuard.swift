/// Remembers, per device, the newest (boot id, sequence) of its *authenticated* announcements and
/// rejects any that is not strictly newer (docs/crp.md §6). Unsigned announcements must not be fed
/// to it: anyone could forge one with a huge boot id and lock the real device out.
public struct ReplayGuard: Sendable, Equatable {
    /// The outcome of a check.
    public enum Verdict: Sendable, Equatable {
        /// Strictly newer than anything seen for this device (or the first one).
        case fresh
        /// Not newer than the last accepted (boot id, sequence).
        case replayed(lastBootID: UInt32, lastSequence: UInt64)
    }

    private var last: [Announcement.DeviceKey: Position] = [:]

    private struct Position: Sendable, Equatable, Comparable {
        var bootID: UInt32
        var sequence: UInt64
        static func < (a: Position, b: Position) -> Bool {
            (a.bootID, a.sequence) < (b.bootID, b.sequence)
        }
    }

    public init() {}

    /// How many devices are remembered.
    public var count: Int { last.count }

    /// Judges without remembering.
    public func verdict(for announcement: Announcement) -> Verdict {
        let position = Position(bootID: announcement.bootID, sequence: announcement.sequence)
        guard let previous = last[announcement.deviceKey], !(previous < position) else { return .fresh }
        return .replayed(lastBootID: previous.bootID, lastSequence: previous.sequence)
    }

    /// Judges and, when fresh, remembers the announcement's position.
    public mutating func admit(_ announcement: Announcement) -> Verdict {
        let verdict = verdict(for: announcement)
        if verdict == .fresh {
            last[announcement.deviceKey] = Position(bootID: announcement.bootID, sequence: announcement.sequence)
        }
        return verdict
    }

    /// Forgets a device — the operator's way out after a factory reset lowered its boot counter.
    public mutating func forget(_ key: Announcement.DeviceKey) {
        last[key] = nil
    }
}
