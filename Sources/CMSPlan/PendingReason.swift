/// Why an IPsec group member is *pending* (SPEC §6): a parameter it needs is missing or unusable.
public enum PendingReason: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    /// The member names a device the tenant does not declare.
    case unknownDevice = "unknown-device"
    /// The device is listed twice in the group.
    case duplicateMember = "duplicate-member"
    /// The star has no center, or more than one.
    case starCenter = "star-center"
    /// The star has more than one backup center.
    case starBackup = "star-backup"
    case missingWAN = "missing-wan"
    case missingLAN = "missing-lan"
    /// The group's lower layer is IPv6 and the member has no `ipv6` address.
    case missingIPv6 = "missing-ipv6"
    /// A spoke of a star with a backup center has no `backupWan`.
    case missingBackupWAN = "missing-backup-wan"
    /// A spoke of a star with a backup center has no `backupLan`.
    case missingBackupLAN = "missing-backup-lan"

    public var description: String {
        switch self {
        case .unknownDevice: "no device with this code is declared"
        case .duplicateMember: "the device is listed twice in the group"
        case .starCenter: "the star does not have exactly one center"
        case .starBackup: "the star has more than one backup center"
        case .missingWAN: "no wan interface"
        case .missingLAN: "no lan network"
        case .missingIPv6: "no ipv6 address, and the group's lower layer is IPv6"
        case .missingBackupWAN: "no backupWan, and the star has a backup center"
        case .missingBackupLAN: "no backupLan, and the star has a backup center"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}
