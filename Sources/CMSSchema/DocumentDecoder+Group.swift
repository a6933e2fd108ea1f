import CMSModel
import Yams

extension DocumentDecoder {
    static let groupKeys = ["name", "note", "type", "firmware", "ipsec", "members", "rollout"]
    static let ipsecKeys = ["lowerLayer", "espEncryption", "espHash", "pfs", "saLifetime"]
    static let memberKeys = ["device", "role", "wan", "lan", "ipv6", "backupWan", "backupLan"]

    static func decodeGroup(_ root: Node, _ reader: DocumentReader) -> Group? {
        guard let f = Fields(root, path: "", allowed: header(groupKeys), reader: reader) else { return nil }
        let name = f.string("name", required: true, maxLength: 32, nonEmpty: true)
        let note = f.string("note", maxLength: 64) ?? ""
        let type = f.enumeration("type", Group.Kind.self) ?? .none
        f.record("type")
        let firmware = decodeFirmwareTarget(f, "firmware", product: nil, reader: reader)
        var ipsec: IPsecParameters?
        if type.isIPsec {
            var parameters = IPsecParameters()
            if let p = f.mapping("ipsec", allowed: ipsecKeys) {
                parameters.lowerLayer = p.enumeration("lowerLayer", IPsecParameters.LowerLayer.self) ?? .ipv4
                parameters.espEncryption =
                    p.enumeration("espEncryption", IPsecParameters.ESPEncryption.self) ?? .aes128
                parameters.espHash = p.enumeration("espHash", IPsecParameters.ESPHash.self) ?? .sha1HMAC
                if p.string("pfs") == "none" {
                    parameters.pfs = nil
                } else if let pfs = p.int("pfs", oneOf: IPsecParameters.pfsGroups) {
                    parameters.pfs = pfs
                }
                parameters.saLifetime = p.int("saLifetime", range: 1081...86400) ?? parameters.saLifetime
            }
            ipsec = parameters
        } else if f.has("ipsec") {
            reader.report(
                .groupIPsecOnPlainGroup, at: f.keyPosition(of: "ipsec"),
                "a \(type.rawValue) group has no IPsec parameters",
                hint: "remove `ipsec` or set type: ipsec-mesh/ipsec-star")
        }
        var rollout: RolloutOverride?
        if let r = f.mapping("rollout", allowed: rolloutKeys) { rollout = decodeRolloutOverride(r, limits: reader.limits) }
        let members = decodeMembers(f, type: type, ipsec: ipsec, reader: reader)
        guard let name else { return nil }
        f.record("name")
        return Group(
            name: name, note: note, type: type, firmware: firmware, ipsec: ipsec, members: members, rollout: rollout)
    }

    private static func decodeMembers(_ f: Fields, type: Group.Kind, ipsec: IPsecParameters?, reader: DocumentReader)
        -> [Member]
    {
        guard let list = f.sequence("members") else {
            if type == .ipsecStar {
                reader.report(
                    .groupStarCenter, at: f.position, "an IPsec star needs exactly one member with role: center")
            }
            return []
        }
        var members: [Member] = []
        var seen: Set<String> = []
        var centers = 0, backups = 0
        var parsed: [(Member, Fields)] = []
        for (index, node) in list.enumerated() {
            guard let m = Fields(node, path: "members[\(index)]", allowed: memberKeys, reader: reader),
                let device = m.string("device", required: true, nonEmpty: true)
            else { continue }
            let at = m.record("device")
            if reader.positions["member:\(device)"] == nil { reader.positions["member:\(device)"] = at }
            if !seen.insert(device).inserted {
                reader.report(.groupDuplicateMember, at: at, "device `\(device)` is in this group twice")
            }
            var member = Member(device: device)
            if !type.isIPsec {
                for key in ["role", "wan", "lan", "ipv6", "backupWan", "backupLan"] where m.has(key) {
                    reader.report(
                        .groupMemberIPsecFields, at: m.keyPosition(of: key),
                        "`\(key)` has no meaning in a \(type.rawValue) group; members have only `device`")
                }
                members.append(member)
                continue
            }
            member.role = m.enumeration("role", Member.Role.self)
            if member.role != nil && type != .ipsecStar {
                reader.report(
                    .groupRoleNotStar, at: m.position(of: "role"), "roles exist only in an ipsec-star group")
                member.role = nil
            }
            if type == .ipsecStar {
                if member.effectiveRole == .center { centers += 1 }
                if member.effectiveRole == .backup {
                    backups += 1
                    if backups > 1 {
                        reader.report(
                            .groupStarBackup, at: m.position(of: "role"), "a star may have at most one backup center")
                    }
                }
            }
            member.wan = interface(m, "wan", reader)
            member.backupWan = interface(m, "backupWan", reader)
            member.lan = lan(m, "lan", reader)
            member.backupLan = lan(m, "backupLan", reader)
            if let ipv6 = m.string("ipv6") {
                if Formats.isIPv6(ipv6) {
                    member.ipv6 = ipv6
                } else {
                    reader.report(.groupIPv6Address, at: m.position(of: "ipv6"), "`\(ipv6)` is not an IPv6 address")
                }
            } else if ipsec?.lowerLayer == .ipv6 {
                reader.report(
                    .groupIPv6Required, at: m.position,
                    "member `\(device)` needs an ipv6 address: the group's lower layer is IPv6")
            }
            members.append(member)
            parsed.append((member, m))
        }
        if type == .ipsecStar && centers != 1 {
            reader.report(
                .groupStarCenter, at: f.position(of: "type"),
                "an IPsec star needs exactly one member with role: center; it has \(centers)")
        }
        // Backup interfaces belong to spokes of a star that has a backup center; without them the spoke
        // reaches only the center.
        for (member, m) in parsed {
            let hasBackupFields =
                member.backupWan != nil || member.backupLan != nil || m.has("backupWan")
                || m.has("backupLan")
            let spokeWithBackup = type == .ipsecStar && member.effectiveRole == .spoke && backups > 0
            if hasBackupFields {
                let key = m.has("backupWan") ? "backupWan" : "backupLan"
                if type != .ipsecStar || member.effectiveRole != .spoke {
                    reader.report(
                        .groupBackupInterface, at: m.keyPosition(of: key),
                        "`\(key)` is only for spokes of an ipsec-star")
                } else if backups == 0 {
                    reader.report(
                        .groupBackupUnused, at: m.keyPosition(of: key),
                        "`\(key)` is unused: this star has no backup center",
                        hint: "add a member with role: backup, or remove it")
                }
            }
            var missing: [String] = []
            if member.wan == nil && !m.has("wan") { missing.append("wan") }
            if member.lan == nil && !m.has("lan") { missing.append("lan") }
            if spokeWithBackup {
                if !m.has("backupWan") { missing.append("backupWan") }
                if !m.has("backupLan") { missing.append("backupLan") }
            }
            if !missing.isEmpty {
                reader.report(
                    .groupMemberIncomplete, at: m.position,
                    "member `\(member.device)` has no " + missing.joined(separator: ", ")
                        + "; it stays pending until they are set")
            }
        }
        return members
    }

    private static func interface(_ m: Fields, _ key: String, _ reader: DocumentReader) -> String? {
        guard let name = m.string(key) else { return nil }
        guard Formats.isInterfaceName(name) else {
            reader.report(
                .groupInterfaceName, at: m.position(of: key),
                "`\(name)` is not an interface name (ethernetN, pppN, tunnelN)")
            return nil
        }
        return name
    }

    private static func lan(_ m: Fields, _ key: String, _ reader: DocumentReader) -> LANNetwork? {
        guard let text = m.string(key) else { return nil }
        guard let parsed = Formats.lanNetwork(text) else {
            reader.report(
                .groupLANPrefix, at: m.position(of: key), "`\(text)` is not a network with prefix length nor `host`")
            return nil
        }
        guard let (address, length) = parsed else { return .host }
        return .network(address: address, prefixLength: length)
    }
}
