import NXRModel

/// The managed-policy changes of one device, each list sorted by name. Applying them: add and change IKE
/// policies before IPsec policies, and delete IPsec policies before IKE policies (an IPsec policy names
/// its IKE policy).
public struct DevicePolicyChanges: Sendable, Hashable {
    public var device: DeviceCode
    public var ike: [PolicyChange<IKEPolicy>]
    public var ipsec: [PolicyChange<IPsecPolicy>]
    /// IKE policy name → the peer's IKE ID value, from the old and new sets, so an IPsec policy line can
    /// name its peer when its IKE policy did not change.
    public var peerIDs: [String: String]

    public init(
        device: DeviceCode, ike: [PolicyChange<IKEPolicy>], ipsec: [PolicyChange<IPsecPolicy>],
        peerIDs: [String: String] = [:]
    ) {
        self.device = device
        self.ike = ike
        self.ipsec = ipsec
        self.peerIDs = peerIDs
    }

    public var isEmpty: Bool { ike.isEmpty && ipsec.isEmpty }

    /// One line per change, for `cms plan`: per policy name, its IKE policy then its IPsec policy.
    /// Pre-shared keys are never shown, only that one changed.
    ///
    ///     + ike-policy cms-IPsec-mesh-nxr02 peer id-nxr02 address dynamic local-id fqdn:id-nxr01 …
    ///     + ipsec-policy cms-IPsec-mesh-nxr02 peer id-nxr02 local 172.16.1.0/24 remote 172.16.2.0/24 via ppp0 …
    ///     ~ ipsec-policy cms-IPsec-star-star_center peer id-star-xcenter: remote 172.16.0.0/16 → 172.16.0.0/24
    public var lines: [String] {
        var peers = peerIDs
        for change in ike { peers[change.policy.name] = change.policy.remoteID?.value }
        var entries: [(name: String, order: Int, line: String)] = []
        for change in ike {
            var secretChanged = false
            if case .change(let old, let new) = change { secretChanged = old.preSharedKey != new.preSharedKey }
            let line = Self.line(
                change, name: change.policy.name, kind: "ike-policy", peer: change.policy.remoteID?.value,
                fields: Self.fields, secretChanged: secretChanged)
            entries.append((change.policy.name, 0, line))
        }
        for change in ipsec {
            let line = Self.line(
                change, name: change.policy.name, kind: "ipsec-policy", peer: peers[change.policy.ikePolicy],
                fields: Self.fields)
            entries.append((change.policy.name, 1, line))
        }
        entries.sort { $0.name == $1.name ? $0.order < $1.order : $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        return entries.map(\.line)
    }

    /// The device code, then its lines indented by two spaces.
    public var text: String {
        ([device] + lines.map { "  " + $0 }).joined(separator: "\n") + "\n"
    }

    private static func line<P>(
        _ change: PolicyChange<P>, name: String, kind: String, peer: String?, fields: (P) -> [(String, String)],
        secretChanged: Bool = false
    ) -> String {
        let head = "\(change.symbol) \(kind) \(name)" + (peer.map { " peer \($0)" } ?? "")
        switch change {
        case .add(let p), .delete(let p):
            return head + " " + fields(p).map { $0.0.isEmpty ? $0.1 : "\($0.0) \($0.1)" }.joined(separator: " ")
        case .change(let old, let new):
            let before = Dictionary(fields(old), uniquingKeysWith: { a, _ in a })
            var diffs = fields(new).compactMap { key, value -> String? in
                let was = before[key] ?? ""
                guard was != value else { return nil }
                return "\(key.isEmpty ? "mode" : key) \(was) → \(value)"
            }
            if secretChanged { diffs.append("pre-shared-key changed") }
            return head + ": " + diffs.joined(separator: ", ")
        }
    }

    /// What an IKE policy line shows (never the pre-shared key).
    static func fields(_ p: IKEPolicy) -> [(String, String)] {
        let peer: String
        switch p.peer {
        case .address(let a): peer = a
        case .dynamic: peer = "dynamic"
        case nil: peer = "none"
        }
        return [
            ("address", peer), ("local-id", p.localID.map { "\($0.type.rawValue):\($0.value)" } ?? "none"),
            ("remote-id", p.remoteID.map { "\($0.type.rawValue):\($0.value)" } ?? "none"),
            ("", p.exchangeMode.rawValue), ("encryption", p.encryption.rawValue), ("hash", p.hash.rawValue),
            ("dh", String(p.dhGroup)), ("lifetime", String(p.lifetime)),
            ("dpd", "\(p.dpd.interval)/\(p.dpd.retries)/\(p.dpd.action.rawValue)"),
        ]
    }

    static func fields(_ p: IPsecPolicy) -> [(String, String)] {
        [
            ("local", p.localNetwork.description), ("remote", p.remoteNetwork.description),
            ("via", p.localInterface), ("lower-layer", p.lowerLayer.rawValue),
            ("esp", "\(p.espEncryption.rawValue)/\(p.espHash.rawValue)"), ("pfs", p.pfs.description),
            ("lifetime", String(p.saLifetime)), ("enabled", p.enabled ? "true" : "false"),
            ("ike-policy", p.ikePolicy),
        ]
    }
}
