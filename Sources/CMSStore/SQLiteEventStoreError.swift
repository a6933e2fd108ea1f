/// A stored event that this version of the CMS cannot read back.
public enum SQLiteEventStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The event's type id is not in this version's catalogue (written by a newer version?).
    case unknownEventType(id: Int64, type: String)
    case unknownSeverity(id: Int64, severity: String)
    /// The details column is not a JSON object of strings.
    case corruptDetails(id: Int64)

    public var description: String {
        switch self {
        case let .unknownEventType(id, type):
            "event log: event \(id) has type '\(type)', unknown to this version of cms; upgrade cms"
        case let .unknownSeverity(id, severity):
            "event log: event \(id) has severity '\(severity)', unknown to this version of cms; upgrade cms"
        case let .corruptDetails(id):
            "event log: event \(id) has unreadable details; the database file may be damaged"
        }
    }
}
