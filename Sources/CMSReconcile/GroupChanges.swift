import CMSModel

/// What changed in a tenant's groups between two revisions, as the original's group events (SPEC §9: group added /
/// deleted, device joined / left): one value per change, in a stable order (groups by name, members by device).
/// A group that is added brings its members in (`joined` for each); one that is deleted takes them out (`left`).
public struct GroupChange: Sendable, Hashable {
    public var type: EventType
    public var group: String
    /// The member, for `joined` / `left`.
    public var device: String?

    public init(_ type: EventType, group: String, device: String? = nil) {
        self.type = type
        self.group = group
        self.device = device
    }

    /// The changes from `previous` to `next`; nil `previous` is an empty tenant (the first revision ever put in force).
    public static func between(_ previous: [Group]?, _ next: [Group]) -> [GroupChange] {
        let before = Dictionary((previous ?? []).map { ($0.name, Set($0.members.map(\.device))) }, uniquingKeysWith: { $0.union($1) })
        let after = Dictionary(next.map { ($0.name, Set($0.members.map(\.device))) }, uniquingKeysWith: { $0.union($1) })
        var changes: [GroupChange] = []
        for name in Set(before.keys).union(after.keys).sorted() {
            let old = before[name]
            let new = after[name]
            if old == nil { changes.append(GroupChange(.groupAdded, group: name)) }
            for device in (new ?? []).subtracting(old ?? []).sorted() {
                changes.append(GroupChange(.groupMemberJoined, group: name, device: device))
            }
            for device in (old ?? []).subtracting(new ?? []).sorted() {
                changes.append(GroupChange(.groupMemberLeft, group: name, device: device))
            }
            if new == nil { changes.append(GroupChange(.groupDeleted, group: name)) }
        }
        return changes
    }
}
