import CMSModel
import NXRModel

/// Compiles a tenant's IPsec groups into every device's managed IKE and IPsec policies (SPEC §6, guide
/// §3.5–3.6, §4.14). Pure and deterministic: the same snapshot and addresses, in any order, give equal
/// results, and a policy depends only on its group's parameters, the tenant's IKE settings and the two
/// ends' member settings, IKE IDs and addresses — so a change touches only the policies it must.
///
/// - Mesh: a tunnel between every two ready members.
/// - Star: a tunnel between every ready spoke and the center (the spoke's `wan`/`lan`), and between every
///   ready spoke and the backup center (the spoke's `backupWan`/`backupLan`). The center and its backup
///   have no tunnel between them.
/// - Each tunnel is one IKE policy and one IPsec policy on each end, both named
///   ``PolicyNaming/name(group:peer:)``. The peer is `peer-address` when its address is known (IPv4: the
///   address it announced; IPv6: the member's `ipv6`), else `peer-dynamic` (it initiates and is known by
///   its IKE ID). Exchange mode is always aggressive: IDs are FQDN / USER-FQDN and addresses may change.
public struct IPsecCompiler: Sendable {
    public var psk: PSKDerivation

    public init(psk: PSKDerivation) {
        self.psk = psk
    }

    /// Compiles every IPsec group of `snapshot`.
    ///
    /// - Parameter addresses: the WAN addresses the devices announced; a missing entry or family means
    ///   the address is unknown (a dynamic site that has not announced itself).
    public func compile(snapshot: TenantSnapshot, addresses: [DeviceCode: PeerAddress]) -> IPsecCompilation {
        var devices: [DeviceCode: Device] = [:]
        for device in snapshot.devices where devices[device.code] == nil { devices[device.code] = device }
        var state = BuildState()
        for code in devices.keys { state.policies[code] = ([], []) }
        let groups = snapshot.groups.filter(\.type.isIPsec).sorted {
            $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)
        }
        var compiled: [GroupCompilation] = []
        compiled.reserveCapacity(groups.count)
        for group in groups {
            compiled.append(
                compileGroup(group, snapshot: snapshot, devices: devices, addresses: addresses, into: &state))
        }
        for (pair, names) in state.pairGroups where names.count > 1 {
            state.warnings.append(
                IPsecWarning(
                    .repeatedPair, group: names.sorted(by: Self.bytewise).joined(separator: ", "), device: pair.low,
                    peer: pair.high,
                    "these devices are peers in several groups: each end holds several IKE policies for one peer"))
        }
        var result: [DeviceCode: ManagedPolicies] = [:]
        result.reserveCapacity(state.policies.count)
        for (code, lists) in state.policies {
            result[code] = ManagedPolicies(ikePolicies: lists.ike, ipsecPolicies: lists.ipsec)
        }
        return IPsecCompilation(devices: result, groups: compiled, warnings: state.warnings.sorted())
    }

    static func bytewise(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    // MARK: - One group

    private struct BuildState {
        var policies: [DeviceCode: (ike: [IKEPolicy], ipsec: [IPsecPolicy])] = [:]
        var warnings: [IPsecWarning] = []
        var pairGroups: [Pair: [String]] = [:]
    }

    private struct Pair: Hashable {
        let low: DeviceCode
        let high: DeviceCode
        init(_ a: DeviceCode, _ b: DeviceCode) {
            (low, high) = IPsecCompiler.bytewise(a, b) ? (a, b) : (b, a)
        }
    }

    /// One end of a tunnel: the device, the interface and LAN it uses, and its address as its peer sees it.
    private struct Endpoint {
        let device: Device
        let wan: String
        let lan: LANNetwork
        let address: String?
    }

    private func compileGroup(
        _ group: Group, snapshot: TenantSnapshot, devices: [DeviceCode: Device], addresses: [DeviceCode: PeerAddress],
        into state: inout BuildState
    ) -> GroupCompilation {
        let params = group.ipsec ?? IPsecParameters()
        let groupPart = PolicyNaming.groupPart(group.name)
        let isStar = group.type == .ipsecStar
        var occurrences: [DeviceCode: Int] = [:]
        for member in group.members { occurrences[member.device, default: 0] += 1 }
        var unique: [DeviceCode: Member] = [:]
        for member in group.members where unique[member.device] == nil { unique[member.device] = member }
        let codes = unique.keys.sorted(by: Self.bytewise)

        let centers = isStar ? codes.filter { unique[$0]?.effectiveRole == .center } : []
        let backups = isStar ? codes.filter { unique[$0]?.effectiveRole == .backup } : []
        let hasBackup = !backups.isEmpty

        var reasons: [DeviceCode: [PendingReason]] = [:]
        for code in codes {
            guard let member = unique[code] else { continue }
            var why: [PendingReason] = []
            if devices[code] == nil { why.append(.unknownDevice) }
            if occurrences[code, default: 0] > 1 { why.append(.duplicateMember) }
            if isStar && centers.count != 1 { why.append(.starCenter) }
            if isStar && backups.count > 1 { why.append(.starBackup) }
            if member.wan == nil { why.append(.missingWAN) }
            if member.lan == nil { why.append(.missingLAN) }
            if params.lowerLayer == .ipv6 && member.ipv6 == nil { why.append(.missingIPv6) }
            if isStar && hasBackup && member.effectiveRole == .spoke {
                if member.backupWan == nil { why.append(.missingBackupWAN) }
                if member.backupLan == nil { why.append(.missingBackupLAN) }
            }
            reasons[code] = why
        }
        func ready(_ code: DeviceCode) -> Bool { reasons[code]?.isEmpty == true }

        func address(_ code: DeviceCode, _ member: Member) -> String? {
            switch params.lowerLayer {
            case .ipv4: return addresses[code]?.ipv4
            case .ipv6: return member.ipv6
            }
        }
        /// The member's main end (`wan`/`lan`), when ready.
        func mainEnd(_ code: DeviceCode) -> Endpoint? {
            guard ready(code), let member = unique[code], let device = devices[code], let wan = member.wan,
                let lan = member.lan
            else { return nil }
            return Endpoint(device: device, wan: wan, lan: lan, address: address(code, member))
        }
        /// A spoke's end towards the backup center (`backupWan`/`backupLan`). The announced address belongs to
        /// `wan`: through another interface the spoke's address is unknown, and the spoke initiates.
        func backupEnd(_ code: DeviceCode) -> Endpoint? {
            guard ready(code), let member = unique[code], let device = devices[code], let wan = member.backupWan,
                let lan = member.backupLan
            else { return nil }
            return Endpoint(
                device: device, wan: wan, lan: lan, address: wan == member.wan ? address(code, member) : nil)
        }

        var names: [DeviceCode: [String]] = [:]
        func tunnel(_ a: Endpoint, _ b: Endpoint) {
            let key = psk.key(
                tenant: snapshot.tenant.code, group: group.name, between: a.device.code, and: b.device.code)
            for (local, remote) in [(a, b), (b, a)] {
                let (ike, ipsec) = policies(
                    local: local, remote: remote, group: group, groupPart: groupPart, params: params,
                    ike: snapshot.tenant.ike, key: key)
                state.policies[local.device.code, default: ([], [])].ike.append(ike)
                state.policies[local.device.code, default: ([], [])].ipsec.append(ipsec)
                names[local.device.code, default: []].append(ike.name)
            }
            state.pairGroups[Pair(a.device.code, b.device.code), default: []].append(group.name)
            if a.address == nil && b.address == nil {
                let pair = Pair(a.device.code, b.device.code)
                state.warnings.append(
                    IPsecWarning(
                        .noInitiator, group: group.name, device: pair.low, peer: pair.high,
                        "neither end has a known address: the tunnel cannot come up until one announces itself"))
            }
            if let fa = Self.family(a.lan), let fb = Self.family(b.lan), fa != fb {
                state.warnings.append(
                    IPsecWarning(
                        .networkFamilyMismatch, group: group.name, device: a.device.code, peer: b.device.code,
                        "LAN \(a.lan) and LAN \(b.lan) are of different IP versions: no traffic can match"))
            }
        }

        if isStar {
            let spokes = codes.filter { unique[$0]?.effectiveRole == .spoke }
            if centers.count == 1, let center = mainEnd(centers[0]) {
                for code in spokes { if let spoke = mainEnd(code) { tunnel(spoke, center) } }
            }
            if backups.count == 1, let backup = mainEnd(backups[0]) {
                for code in spokes { if let spoke = backupEnd(code) { tunnel(spoke, backup) } }
            }
            for code in centers + backups where !ready(code) && centers.count == 1 && backups.count <= 1 {
                state.warnings.append(
                    IPsecWarning(
                        .centerPending, group: group.name, device: code,
                        "the \(unique[code]?.effectiveRole == .center ? "center" : "backup center") is pending: "
                            + "no spoke has a tunnel to it"))
            }
        } else {
            let ends = codes.compactMap(mainEnd)
            for i in ends.indices {
                for j in ends.indices where j > i { tunnel(ends[i], ends[j]) }
            }
            var byLAN: [String: [DeviceCode]] = [:]
            for end in ends {
                if case .network = end.lan { byLAN[end.lan.description, default: []].append(end.device.code) }
            }
            for (lan, owners) in byLAN where owners.count > 1 {
                for owner in owners {
                    state.warnings.append(
                        IPsecWarning(
                            .duplicateLAN, group: group.name, device: owner,
                            "LAN \(lan) is also the LAN of " + owners.filter { $0 != owner }.joined(separator: ", ")
                                + ": their peers cannot tell where to send it"))
                }
            }
        }

        var members: [MemberRegistration] = []
        members.reserveCapacity(codes.count)
        for code in codes {
            let why = reasons[code] ?? []
            if !why.isEmpty {
                state.warnings.append(
                    IPsecWarning(
                        .memberPending, group: group.name, device: code,
                        "pending: " + why.map(\.description).joined(separator: "; ")))
            }
            members.append(
                MemberRegistration(
                    device: code, role: isStar ? unique[code]?.effectiveRole : nil,
                    state: why.isEmpty ? .ready : .pending(why),
                    policies: (names[code] ?? []).sorted(by: Self.bytewise)))
        }
        return GroupCompilation(name: group.name, type: group.type, members: members)
    }

    // MARK: - One policy pair

    private func policies(
        local: Endpoint, remote: Endpoint, group: Group, groupPart: String, params: IPsecParameters, ike: IKESettings,
        key: String
    ) -> (IKEPolicy, IPsecPolicy) {
        let name = PolicyNaming.name(groupPart: groupPart, peer: remote.device.code)
        let description = String("managed by cms: group \(group.name), peer \(remote.device.code)".prefix(128))
        let ikePolicy = IKEPolicy(
            name: name, description: description, exchangeMode: .aggressive,
            encryption: Self.encryption(ike.encryption),
            hash: ike.hash == .md5 ? .md5 : .sha1, dhGroup: UInt8(clamping: ike.dhGroup),
            lifetime: UInt32(clamping: ike.lifetime),
            dpd: IKEPolicy.DPD(
                interval: UInt16(clamping: ike.dpd.interval), retries: UInt8(clamping: ike.dpd.retries),
                action: Self.dpdAction(ike.dpd.action)),
            localID: Self.ikeID(local.device.effectiveIKEID), remoteID: Self.ikeID(remote.device.effectiveIKEID),
            peer: remote.address.map { .address($0) } ?? .dynamic, preSharedKey: key)
        let ipsecPolicy = IPsecPolicy(
            name: name, description: description, enabled: true, ikePolicy: name,
            lowerLayer: params.lowerLayer == .ipv6 ? .ipv6 : .ipv4, localInterface: local.wan,
            localNetwork: Self.network(local.lan), remoteNetwork: Self.network(remote.lan),
            espEncryption: Self.espEncryption(params.espEncryption),
            espHash: params.espHash == .md5HMAC ? .md5HMAC : .sha1HMAC,
            pfs: params.pfs.map { .group(UInt8(clamping: $0)) } ?? IPsecPolicy.PFS.none,
            saLifetime: UInt32(clamping: params.saLifetime))
        return (ikePolicy, ipsecPolicy)
    }

    static func ikeID(_ id: CMSModel.IKEID) -> NXRModel.IKEID {
        NXRModel.IKEID(type: id.type == .userFQDN ? .userFQDN : .fqdn, value: id.value)
    }

    static func network(_ lan: LANNetwork) -> IPsecPolicy.Network {
        switch lan {
        case .host: .host
        case .network(let address, let length): .prefix("\(address)/\(length)")
        }
    }

    static func family(_ lan: LANNetwork) -> AddressFamily? {
        guard case .network(let address, _) = lan else { return nil }
        return address.utf8.contains(0x3A) ? .ipv6 : .ipv4
    }

    static func encryption(_ e: IKESettings.Encryption) -> IKEPolicy.Encryption {
        switch e {
        case .aes128: .aes128
        case .des: .des
        case .tripleDES: .tripleDES
        }
    }

    static func dpdAction(_ a: IKESettings.DPD.Action) -> IKEPolicy.DPDAction {
        switch a {
        case .restart: .restart
        case .hold: .hold
        case .clear: .clear
        }
    }

    static func espEncryption(_ e: IPsecParameters.ESPEncryption) -> IPsecPolicy.ESPEncryption {
        switch e {
        case .aes128: .aes128
        case .tripleDES: .tripleDES
        case .null: .null
        }
    }
}
