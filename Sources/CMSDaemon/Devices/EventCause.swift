import CMSModel

/// Who and what caused a device lifecycle change (a revision's author and commit), so that the one event the
/// device agent records for it (`device.suspended`, `device.resumed`, `device.deleted`) says so. The tenant
/// controller records none of these itself (issue 10: each was recorded twice).
public struct EventCause: Sendable, Hashable {
    public var user: String?
    public var revision: String?
    /// Added to the event's details (e.g. `cleanup` of a deleted device).
    public var details: [String: String]

    public init(user: String?, revision: String?, details: [String: String] = [:]) {
        self.user = user
        self.revision = revision
        self.details = details
    }
}
