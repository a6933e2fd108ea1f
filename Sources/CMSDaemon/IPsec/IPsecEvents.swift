import CMSModel
import CMSPlan

/// The IPsec events of SPEC §9 for one device's apply, from the `ipsec` part's summary lines: addition (per
/// group), change, removal — each "started" before the edit and "succeeded" once it is verified.
enum IPsecEvents {
    /// The group parts of the policies the lines add, and whether any line changes or deletes.
    struct Kinds: Equatable {
        var addedGroups: [String] = []
        var changes = false
        var deletes = false
        var isEmpty: Bool { addedGroups.isEmpty && !changes && !deletes }
    }

    /// `groupNames`: policy-name group part → the group's real name (``groupNames(_:)``), so that events carry the
    /// name users search by (`cms events --group "本社 VPN"`), not the sanitised form in the policy name.
    static func kinds(_ changes: DeviceChangeSet, groupNames: [String: String] = [:]) -> Kinds {
        var kinds = Kinds()
        var groups: Set<String> = []
        for change in changes.changes where change.part == IPsecPart.partID {
            for line in change.summary {
                let words = line.split(separator: " ", maxSplits: 3)
                guard words.count >= 3 else { continue }
                switch words[0] {
                case "+":
                    let part = groupPart(String(words[2]))
                    groups.insert(groupNames[part] ?? part)
                case "~": kinds.changes = true
                case "-": kinds.deletes = true
                default: break
                }
            }
        }
        kinds.addedGroups = groups.sorted()
        return kinds
    }

    /// Every group of a revision by the group part of its policy names (``PolicyNaming/groupPart(_:)``).
    static func groupNames(_ groups: [Group]) -> [String: String] {
        Dictionary(groups.map { (PolicyNaming.groupPart($0.name), $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    /// `cms-<group>-<peer>` → `<group>` (the peer part never contains `-`).
    static func groupPart(_ name: String) -> String {
        var rest = Substring(name.trimmingSuffix(":"))
        if rest.hasPrefix("cms-") { rest = rest.dropFirst(4) }
        guard let dash = rest.lastIndex(of: "-") else { return String(rest) }
        return String(rest[..<dash])
    }

    static func events(
        _ kinds: Kinds, started: Bool, time: Timestamp, tenant: String, device: String, user: String?, revision: String
    ) -> [Event] {
        var list: [Event] = []
        for group in kinds.addedGroups {
            list.append(
                Event(
                    time: time, tenant: tenant, type: started ? .ipsecAddStarted : .ipsecAddSucceeded, device: device,
                    group: group, user: user, revision: revision))
        }
        if kinds.changes {
            list.append(
                Event(
                    time: time, tenant: tenant, type: started ? .ipsecChangeStarted : .ipsecChangeSucceeded,
                    device: device, user: user, revision: revision))
        }
        if kinds.deletes {
            list.append(
                Event(
                    time: time, tenant: tenant, type: started ? .ipsecDeleteStarted : .ipsecDeleteSucceeded,
                    device: device, user: user, revision: revision))
        }
        return list
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
