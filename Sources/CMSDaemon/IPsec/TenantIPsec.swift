import CMSAPI
import CMSModel
import CMSPlan
import CRP
import NXRModel

/// One tenant's IPsec distribution state, kept by its ``TenantController``: the compilation of the revision in
/// force with the addresses the devices announced, what each device was last verified to hold, the last push
/// failures and the last `get-ipsec-status` replies. A value; the controller owns it.
struct TenantIPsec: Sendable {
    let compiler: IPsecCompiler
    /// Device → its announced WAN address (the CRP-announced control address).
    var addresses: [DeviceCode: PeerAddress] = [:]
    var compilation: IPsecCompilation?
    /// Device → the managed policies its last successful run verified on it.
    var verified: [DeviceCode: ManagedPolicies] = [:]
    /// Device → why its last run failed (cleared by a successful one).
    var failures: [DeviceCode: String] = [:]
    /// Device → its last `get-ipsec-status` rows; absent = could not be read.
    var reports: [DeviceCode: [NXRRPCOutput.PolicyStatus]] = [:]
    var fetchedAt: Timestamp?

    init(secret: [UInt8]) throws(PSKDerivation.ShortSecret) {
        compiler = IPsecCompiler(psk: try PSKDerivation(secret: secret))
    }

    /// Compiles `snapshot` again; returns the devices whose policies changed and the warnings that are new.
    mutating func compile(_ snapshot: TenantSnapshot) -> (changed: [DeviceCode], newWarnings: [IPsecWarning]) {
        let previous = compilation
        let next = compiler.compile(snapshot: snapshot, addresses: addresses)
        compilation = next
        let changed = PolicyDiff.diff(old: previous?.devices ?? [:], new: next.devices).map(\.device)
        let known = Set(previous?.warnings ?? [])
        return (changed, next.warnings.filter { !known.contains($0) })
    }

    /// The part that brings `device` to its compiled policies (empty ones remove every `cms-` policy it holds).
    /// A device in no IPsec group that was already verified to hold no `cms-` policy gets no part (nil): it is
    /// not read again for IPsec until it joins a group or `cmsd` restarts.
    func part(for device: DeviceCode) -> IPsecPart? {
        guard let compilation else { return nil }
        let policies = compilation.policies(of: device)
        if policies.isEmpty && verified[device]?.isEmpty == true { return nil }
        return IPsecPart(device: device, policies: policies)
    }

    /// Records a run's outcome for `device`, which was asked to hold `policies`.
    mutating func finished(_ device: DeviceCode, policies: ManagedPolicies, failure: String?) {
        if let failure {
            failures[device] = failure
        } else {
            failures[device] = nil
            verified[device] = policies
        }
    }

    /// The address `host` as a peer address (IPv4 or IPv6 literal), nil when it is a name.
    static func peerAddress(_ host: String) -> PeerAddress? {
        switch IPAddress(host.trimmingCharacters(in: ["[", "]"]))?.family {
        case .ipv4: return PeerAddress(ipv4: host)
        case .ipv6: return PeerAddress(ipv6: host.trimmingCharacters(in: ["[", "]"]))
        case nil: return nil
        }
    }

    /// The status of `group` from the compilation, the reports and the push results.
    func status(group: String, at: Timestamp) -> IPsecGroupStatus? {
        guard let compiled = compilation?.group(group) else { return nil }
        var verifiedNow: [DeviceCode: Bool] = [:]
        for member in compiled.members {
            let want = compilation?.policies(of: member.device) ?? .empty
            if failures[member.device] != nil {
                verifiedNow[member.device] = false
            } else if verified[member.device] == want {
                verifiedNow[member.device] = true
            }
        }
        var inGroup: [DeviceCode: [NXRRPCOutput.PolicyStatus]] = [:]
        for member in compiled.members { if let rows = reports[member.device] { inGroup[member.device] = rows } }
        return IPsecStatusBuilder.status(
            group: compiled, reports: inGroup, verified: verifiedNow, failures: failures, at: fetchedAt ?? at)
    }
}
