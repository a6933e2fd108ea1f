/// What the server is like when a backup is to be restored: the facts ``RestoreCheck`` decides on.
public struct RestoreFacts: Sendable, Hashable {
    public var tenant: String
    /// Free bytes in the data folder.
    public var freeBytes: Int64
    /// `limits.maxDevices` of this server and the devices of the *other* tenants now.
    public var serverMaxDevices: Int
    public var otherTenantsDevices: Int
    public var devicesPerTenant: Int
    public var groupsPerTenant: Int

    public init(
        tenant: String, freeBytes: Int64, serverMaxDevices: Int, otherTenantsDevices: Int, devicesPerTenant: Int,
        groupsPerTenant: Int
    ) {
        self.tenant = tenant
        self.freeBytes = freeBytes
        self.serverMaxDevices = serverMaxDevices
        self.otherTenantsDevices = otherTenantsDevices
        self.devicesPerTenant = devicesPerTenant
        self.groupsPerTenant = groupsPerTenant
    }
}

/// The checks of SPEC §11 before a restore, as a value: given a verified manifest and the server's facts,
/// the problems that forbid the restore (empty = go). Pure; the adapter gathers the facts.
public enum RestoreCheck {
    /// Staging needs the unpacked members once more beside the live state until the swap.
    public static let spaceFactor: Int64 = 2

    public static func problems(_ manifest: BackupManifest, facts: RestoreFacts) -> [RestoreProblem] {
        var problems: [RestoreProblem] = []
        if manifest.format > BackupManifest.currentFormat {
            problems.append(.newerFormat(found: manifest.format, supported: BackupManifest.currentFormat))
        }
        if manifest.tenant != facts.tenant {
            problems.append(.notThisTenant(found: manifest.tenant, expected: facts.tenant))
        }
        let needed = manifest.totalSize * spaceFactor
        if needed > facts.freeBytes { problems.append(.notEnoughSpace(needed: needed, free: facts.freeBytes)) }
        if manifest.devices + facts.otherTenantsDevices > facts.serverMaxDevices {
            problems.append(.devicesOverServerLimit(devices: manifest.devices, limit: facts.serverMaxDevices))
        }
        if manifest.groups > facts.groupsPerTenant {
            problems.append(.groupsOverTenantLimit(groups: manifest.groups, limit: facts.groupsPerTenant))
        }
        if manifest.devices > facts.devicesPerTenant {
            problems.append(.devicesOverTenantLimit(devices: manifest.devices, limit: facts.devicesPerTenant))
        }
        return problems
    }
}
