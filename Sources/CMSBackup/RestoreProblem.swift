/// Why a backup cannot be written or restored: SPEC §11's error cases as values, each with a message that says
/// what happened and what to do. Stable `code`s for the API and the `tenant.backup.failed` / `.restore.failed`
/// events.
public enum RestoreProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The SSH server could not be reached or refused us (host key, authentication).
    case cannotConnect(String)
    /// No file at the given place.
    case fileMissing(String)
    /// The backup is another tenant's.
    case notThisTenant(found: String, expected: String)
    /// Not a backup, a changed byte, a missing or unlisted member, or sealed with another key.
    case corrupt(String)
    /// Written by a newer cmsd whose format this one cannot read.
    case newerFormat(found: Int, supported: Int)
    /// The data folder cannot hold the restored state.
    case notEnoughSpace(needed: Int64, free: Int64)
    case devicesOverServerLimit(devices: Int, limit: Int)
    case groupsOverTenantLimit(groups: Int, limit: Int)
    case devicesOverTenantLimit(devices: Int, limit: Int)
    /// No `backup.key` configured: a backup is never written (nor read) in clear.
    case noKey(tenant: String)
    /// Bad request: a target we do not accept.
    case badTarget(String)
    /// Anything else the file system or the server said.
    case failed(String)

    public var code: String {
        switch self {
        case .cannotConnect: "cannot-connect"
        case .fileMissing: "file-missing"
        case .notThisTenant: "not-this-tenant"
        case .corrupt: "corrupt"
        case .newerFormat: "newer-format"
        case .notEnoughSpace: "not-enough-space"
        case .devicesOverServerLimit: "devices-over-server-limit"
        case .groupsOverTenantLimit: "groups-over-tenant-limit"
        case .devicesOverTenantLimit: "devices-over-tenant-limit"
        case .noKey: "no-backup-key"
        case .badTarget: "bad-target"
        case .failed: "failed"
        }
    }

    public var description: String {
        switch self {
        case .cannotConnect(let detail): "cannot connect: \(detail)"
        case .fileMissing(let place): "file missing: \(place); check the path (cms tenant backup prints where it wrote)"
        case .notThisTenant(let found, let expected):
            "not this tenant's backup: it belongs to tenant \(found), not \(expected)"
        case .corrupt(let detail): "corrupt: \(detail)"
        case .newerFormat(let found, let supported):
            "the backup has format \(found) but this cmsd reads up to format \(supported); restore with a newer cmsd"
        case .notEnoughSpace(let needed, let free):
            "not enough space in the data folder: \(needed) bytes needed, \(free) free"
        case .devicesOverServerLimit(let devices, let limit):
            "the backup's \(devices) devices would put this server over its limit of \(limit) devices (limits.maxDevices)"
        case .groupsOverTenantLimit(let groups, let limit):
            "the backup's \(groups) groups exceed the tenant limit of \(limit) groups"
        case .devicesOverTenantLimit(let devices, let limit):
            "the backup's \(devices) devices exceed the tenant limit of \(limit) devices"
        case .noKey(let tenant):
            "no backup key for tenant \(tenant): set backup.key ({env: NAME} or {file: PATH}) in cmsd.yaml; "
                + "backups are never written in clear"
        case .badTarget(let detail): detail
        case .failed(let detail): detail
        }
    }
}
