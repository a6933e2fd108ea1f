import NETCONF
import NXRModel

/// The IKE and IPsec policies `cms` generates for one device (id `ipsec`), as a ``ManagedPart``: the
/// device's compiled ``ManagedPolicies`` (``IPsecCompilation/policies(of:)``) against what it holds.
///
/// - Reads `<ipsec xmlns="urn:cms:nxr:1.0"/>` and looks only at entries named `cms-…`; a policy with any
///   other name (made by hand) is never read into the diff, never changed and never deleted.
/// - The edit is one `<ipsec>` container for a `merge` `<edit-config>`: each added or changed entry with
///   `nc:operation="replace"` (so a leaf that is no longer wanted, e.g. `peer-address` when the peer became
///   dynamic, goes too), each unwanted `cms-` entry with `nc:operation="delete"`. Order: IKE then IPsec
///   upserts, then IPsec deletes, then IKE deletes (an IPsec policy names its IKE policy).
/// - A device in no IPsec group has empty desired policies: every `cms-` entry it still holds is deleted —
///   that is how leaving or deleting a group cleans up.
/// - A `cms-` entry the model cannot read (a bad value left by hand) is rewritten when wanted, else deleted.
/// - Deterministic: lists are sorted by name, so the same desired and observed state give the same edit; an
///   unchanged device gives nil.
public struct IPsecPart: ManagedPart {
    /// The part id, `ipsec`.
    public static let partID = "ipsec"

    public var id: String { Self.partID }
    /// The device code, for plan lines.
    public let device: String
    /// The desired managed policies (only `cms-` names are kept, sorted).
    public let policies: ManagedPolicies

    public init(device: String, policies: ManagedPolicies) {
        self.device = device
        self.policies = policies
    }

    public var readFilter: [XMLElement] { [XMLElement("ipsec", namespace: NXRNamespace.uri)] }

    public func change(observed: [XMLElement]) -> PartChange? {
        let held = Self.observedPolicies(observed)
        let changes = PolicyDiff.diff(device: device, old: held.policies, new: policies)
        let unwantedBroken = held.unreadable.filter { entry in
            switch entry.kind {
            case .ike: policies.ikePolicy(entry.name) == nil
            case .ipsec: policies.ipsecPolicy(entry.name) == nil
            }
        }
        let rewrittenBroken = held.unreadable.filter { entry in !unwantedBroken.contains(entry) }
        guard !changes.isEmpty || !held.unreadable.isEmpty else { return nil }

        var summary = changes.lines
        for entry in rewrittenBroken {
            summary.append(
                "~ \(entry.kind.element) \(entry.name): unreadable on the device (\(entry.reason)) → rewritten")
        }
        for entry in unwantedBroken {
            summary.append("- \(entry.kind.element) \(entry.name) (unreadable on the device: \(entry.reason))")
        }

        var elements: [XMLElement] = []
        for change in changes.ike {
            if case .delete = change { continue }
            elements.append(Self.withOperation("replace", change.policy.xml()))
        }
        for change in changes.ipsec {
            if case .delete = change { continue }
            elements.append(Self.withOperation("replace", change.policy.xml()))
        }
        var ipsecDeletes: [String] = []
        var ikeDeletes: [String] = []
        for case .delete(let p) in changes.ipsec { ipsecDeletes.append(p.name) }
        for case .delete(let p) in changes.ike { ikeDeletes.append(p.name) }
        for entry in unwantedBroken {
            switch entry.kind {
            case .ike: ikeDeletes.append(entry.name)
            case .ipsec: ipsecDeletes.append(entry.name)
            }
        }
        for name in ipsecDeletes.sorted(by: Self.bytewise) { elements.append(Self.deletion("ipsec-policy", name)) }
        for name in ikeDeletes.sorted(by: Self.bytewise) { elements.append(Self.deletion("ike-policy", name)) }
        return PartChange(
            part: id, summary: summary, edit: [XMLElement("ipsec", namespace: NXRNamespace.uri, elements: elements)])
    }

    /// The readable policy changes (for `cms plan`'s per-device view): what ``change(observed:)`` applies,
    /// without the unreadable entries.
    public func policyChanges(observed: [XMLElement]) -> DevicePolicyChanges {
        PolicyDiff.diff(device: device, old: Self.observedPolicies(observed).policies, new: policies)
    }

    // MARK: - Reading what the device holds

    /// A `cms-` entry the model could not read.
    struct Unreadable: Hashable {
        enum Kind: Hashable {
            case ike, ipsec
            var element: String { self == .ike ? "ike-policy" : "ipsec-policy" }
        }
        var kind: Kind
        var name: String
        var reason: String
    }

    /// What the device holds: the readable `cms-` policies and the unreadable `cms-` entries. Entries are read
    /// one by one, so one bad entry (or a hand-made one) never hides the others.
    static func observedPolicies(_ observed: [XMLElement]) -> (policies: ManagedPolicies, unreadable: [Unreadable]) {
        let ns = NXRNamespace.uri
        var ike: [IKEPolicy] = []
        var ipsec: [IPsecPolicy] = []
        var unreadable: [Unreadable] = []
        var seen: Set<String> = []
        for container in observed where container.matches("ipsec", namespace: ns) {
            for entry in container.elements where entry.namespace == ns || entry.namespace == nil {
                let kind: Unreadable.Kind
                switch entry.name {
                case "ike-policy": kind = .ike
                case "ipsec-policy": kind = .ipsec
                default: continue
                }
                let name = entry.childText("name") ?? ""
                guard name.hasPrefix(NXRNamespace.managedPrefix) else { continue }
                guard seen.insert(kind.element + "\u{0}" + name).inserted else { continue }
                var wrapper = [entry]
                if kind == .ipsec {
                    // The entry is read alone: give it the IKE policy it names so the reference check passes.
                    let reference = entry.childText("ike-policy") ?? ""
                    wrapper.insert(
                        XMLElement(
                            "ike-policy", namespace: ns, elements: [XMLElement("name", namespace: ns, text: reference)]),
                        at: 0)
                }
                do {
                    let config = try NXRConfig(elements: [XMLElement("ipsec", namespace: ns, elements: wrapper)])
                    switch kind {
                    case .ike: ike += config.ikePolicies
                    case .ipsec: ipsec += config.ipsecPolicies
                    }
                } catch {
                    unreadable.append(Unreadable(kind: kind, name: name, reason: error.description))
                }
            }
        }
        unreadable.sort { ($0.kind == .ike ? 0 : 1, $0.name) < ($1.kind == .ike ? 0 : 1, $1.name) }
        return (ManagedPolicies(ikePolicies: ike, ipsecPolicies: ipsec), unreadable)
    }

    // MARK: - Edit elements

    static func withOperation(_ operation: String, _ element: XMLElement) -> XMLElement {
        var copy = element
        copy.attributes.append(XMLAttribute(name: "operation", namespace: NETCONFNamespace.base, value: operation))
        return copy
    }

    static func deletion(_ element: String, _ name: String) -> XMLElement {
        withOperation(
            "delete",
            XMLElement(
                element, namespace: NXRNamespace.uri,
                elements: [XMLElement("name", namespace: NXRNamespace.uri, text: name)]))
    }

    static func bytewise(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
}
