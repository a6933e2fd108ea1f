import NETCONF

/// Plans one device from its managed parts: one `<get-config>` filter for all of them, the change set, and the
/// edit as text for `cms plan --native`. Pure.
public enum DevicePlanner {
    /// Merged subtree filter for all parts (one `<get-config>`), top-level nodes in first-seen order.
    ///
    /// Parts that filter the same top-level container identically share that filter; when their filters for
    /// one container differ, the whole container is selected (reading more than a part needs is always safe,
    /// while combining subtree filters can change what they select).
    public static func readFilter(_ parts: [any ManagedPart]) -> [XMLElement] {
        var merged: [XMLElement] = []
        for part in parts {
            for node in part.readFilter {
                guard let index = merged.firstIndex(where: { $0.name == node.name && $0.namespace == node.namespace })
                else {
                    merged.append(node)
                    continue
                }
                if merged[index] != node {
                    merged[index] = XMLElement(node.name, namespace: node.namespace)
                }
            }
        }
        return merged
    }

    /// Asks every part for its change against `observed` (the children of `<data>` of the read-back), in part
    /// order; parts already in their desired state contribute nothing.
    public static func plan(device: String, parts: [any ManagedPart], observed: [XMLElement]) -> DeviceChangeSet {
        DeviceChangeSet(device: device, changes: parts.compactMap { $0.change(observed: observed) })
    }

    /// The `<edit-config>` `<config>` payload as indented XML text (`cms plan --native`). Secret leaves
    /// (`secret`, `pre-shared-key`, `password`) are shown as `********`.
    public static func nativeText(_ edit: [XMLElement]) -> String {
        let config = XMLElement("config", namespace: NETCONFNamespace.base, elements: edit.map(ConfigDiff.masked))
        return XML.serialize(config, pretty: true)
    }
}
