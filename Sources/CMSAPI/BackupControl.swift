import CMSModel

/// Tenant backup and restore through the API (docs/backup.md). A control plane that offers it conforms; the
/// server answers 501 otherwise.
public protocol BackupControl: Sendable {
    /// Writes a backup to `target` (a file name in the tenant's backup folder, or `ssh://account@host:port/path`;
    /// nil = `<tenant>-<UTC time>.tgz` in the folder).
    func backup(_ tenant: String, to target: String?, includeEvents: Bool, user: String?) async throws(APIError)
        -> BackupResult
    /// Checks (`checkOnly`) or restores the backup at `source`.
    func restore(_ tenant: String, from source: String, checkOnly: Bool, user: String?) async throws(APIError)
        -> RestoreResult
}

/// One member of a backup as shown to the operator.
public struct BackupMemberSummary: Sendable, Hashable, Codable {
    public var name: String
    public var size: Int64
    public var sha256: String
    public var sealed: Bool

    public init(name: String, size: Int64, sha256: String, sealed: Bool) {
        self.name = name
        self.size = size
        self.sha256 = sha256
        self.sealed = sealed
    }
}

/// What a backup file holds (its manifest, without secrets).
public struct BackupContents: Sendable, Hashable, Codable {
    public var format: Int
    public var cmsd: String
    public var tenant: String
    public var created: String
    public var revision: String?
    public var parts: [String]
    public var devices: Int
    public var groups: Int
    public var members: [BackupMemberSummary]

    public init(
        format: Int, cmsd: String, tenant: String, created: String, revision: String?, parts: [String], devices: Int,
        groups: Int, members: [BackupMemberSummary]
    ) {
        self.format = format
        self.cmsd = cmsd
        self.tenant = tenant
        self.created = created
        self.revision = revision
        self.parts = parts
        self.devices = devices
        self.groups = groups
        self.members = members
    }
}

/// `POST /api/v1/tenants/{t}/backup`.
public struct BackupResult: Sendable, Hashable, Codable {
    /// Where it was written (file path on the cmsd host, or the ssh:// URL).
    public var location: String
    /// Size of the .tar.gz in bytes.
    public var size: Int64
    public var seconds: Double
    public var contents: BackupContents

    public init(location: String, size: Int64, seconds: Double, contents: BackupContents) {
        self.location = location
        self.size = size
        self.seconds = seconds
        self.contents = contents
    }
}

/// `POST /api/v1/tenants/{t}/restore`.
public struct RestoreResult: Sendable, Hashable, Codable {
    public var location: String
    /// True when the file was only checked (`check=true`), false when the tenant was restored.
    public var checkOnly: Bool
    public var restored: Bool
    public var contents: BackupContents

    public init(location: String, checkOnly: Bool, restored: Bool, contents: BackupContents) {
        self.location = location
        self.checkOnly = checkOnly
        self.restored = restored
        self.contents = contents
    }
}
