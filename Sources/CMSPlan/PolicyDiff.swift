import NXRModel

/// Compares managed policy sets: what must be added, changed and deleted on each device. Only policies
/// named `cms-…` are ever compared — a hand-made policy is invisible here, so it is never touched.
public enum PolicyDiff {
    /// The changes per device, for the devices that have any, sorted by device code. A device only in
    /// `old` loses all its managed policies; a device only in `new` gets all of them.
    public static func diff(
        old: [DeviceCode: ManagedPolicies], new: [DeviceCode: ManagedPolicies]
    ) -> [DevicePolicyChanges] {
        let devices = Set(old.keys).union(new.keys).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return devices.compactMap { device in
            let changes = diff(device: device, old: old[device] ?? .empty, new: new[device] ?? .empty)
            return changes.isEmpty ? nil : changes
        }
    }

    /// The changes that turn one device's `old` policies into `new`.
    public static func diff(device: DeviceCode, old: ManagedPolicies, new: ManagedPolicies) -> DevicePolicyChanges {
        var peers: [String: String] = [:]
        for policy in old.ikePolicies + new.ikePolicies where policy.isManagedByCMS {
            if let id = policy.remoteID?.value { peers[policy.name] = id }
        }
        return DevicePolicyChanges(
            device: device, ike: compare(old.ikePolicies, new.ikePolicies, name: \.name),
            ipsec: compare(old.ipsecPolicies, new.ipsecPolicies, name: \.name), peerIDs: peers)
    }

    /// Renders changes as `cms plan` prints them: each device, then its changes indented.
    public static func render(_ changes: [DevicePolicyChanges]) -> String {
        changes.map(\.text).joined()
    }

    private static func compare<P: Hashable & Sendable>(
        _ old: [P], _ new: [P], name: KeyPath<P, String>
    ) -> [PolicyChange<P>] {
        let prefix = NXRNamespace.managedPrefix
        var before: [String: P] = [:]
        for p in old where p[keyPath: name].hasPrefix(prefix) { before[p[keyPath: name]] = p }
        var after: [String: P] = [:]
        for p in new where p[keyPath: name].hasPrefix(prefix) { after[p[keyPath: name]] = p }
        var changes: [(String, PolicyChange<P>)] = []
        for (key, p) in after {
            if let was = before[key] {
                if was != p { changes.append((key, .change(from: was, to: p))) }
            } else {
                changes.append((key, .add(p)))
            }
        }
        for (key, p) in before where after[key] == nil { changes.append((key, .delete(p))) }
        return changes.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }.map(\.1)
    }
}
