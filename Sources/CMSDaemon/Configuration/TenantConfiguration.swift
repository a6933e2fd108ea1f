import CMSModel
import TenantKeys
import TenantSource

/// How `cmsd` serves one tenant: where its repository is and how often to look at it and at its devices.
public struct TenantConfiguration: Sendable, Hashable {
    /// The tenant code (= `code` of the repo's `tenant.yaml`, = CRP customer-id).
    public var code: String
    /// URL or local path, branch, optional sub-folder.
    public var repository: TenantRepository
    /// How often the repository is fetched (a webhook `POST …/refresh` fetches at once).
    public var pollInterval: Duration
    /// The tenant's SSH key type (ed25519 unless a legacy device needs RSA).
    public var keyType: TenantKeyType
    /// The SSH user name `cmsd` logs in as on the tenant's devices.
    public var username: String
    /// How often each connected device's managed configuration is checked for drift.
    public var driftInterval: Duration
    /// Safe prune: the largest fraction of the tenant's devices one revision may delete unless its commit message
    /// has the trailer `Allow-Prune: yes`.
    public var pruneMaxFraction: Double
    /// Bearer tokens for this tenant's API; empty = one token generated into `<data>/tenants/<code>/api.token`.
    public var apiTokens: [APITokenConfiguration]
    /// Where the tenant's IPsec pre-shared-key secret is; nil = the default secret store under the data folder.
    public var ipsecSecret: SecretRef?
    /// Where the tenant's config archive is pushed (`archive:`), if anywhere (docs/config-archive.md).
    public var archive: ArchiveRemote? = nil
    /// Backup key, local folder and SSH server settings (docs/backup.md); nil = backups refused.
    public var backup: BackupConfiguration?
    /// Credentials and server pins of a private repository (`repo.ssh` / `repo.https`, docs/git-sources.md).
    public var gitAccess: GitAccessConfiguration? = nil
    /// The push webhook `POST /hooks/{tenant}` (`webhook:`, docs/git-sources.md); nil = no webhook.
    public var webhook: WebhookConfiguration? = nil

    public init(
        code: String, repository: TenantRepository, pollInterval: Duration = .seconds(60),
        keyType: TenantKeyType = .ed25519, username: String = "cms", driftInterval: Duration = .seconds(300),
        pruneMaxFraction: Double = 0.25, apiTokens: [APITokenConfiguration] = [], ipsecSecret: SecretRef? = nil,
        backup: BackupConfiguration? = nil
    ) {
        self.backup = backup
        self.code = code
        self.repository = repository
        self.pollInterval = pollInterval
        self.keyType = keyType
        self.username = username
        self.driftInterval = driftInterval
        self.pruneMaxFraction = pruneMaxFraction
        self.apiTokens = apiTokens
        self.ipsecSecret = ipsecSecret
    }
}

/// One API bearer token: a name (shown in events as the API user) and where its secret value is.
public struct APITokenConfiguration: Sendable, Hashable {
    public var name: String
    public var secret: SecretRef
    /// A read-only token may read everything its tenants show but not reconcile, refresh or change anything.
    public var readOnly: Bool

    public init(name: String, secret: SecretRef, readOnly: Bool = false) {
        self.name = name
        self.secret = secret
        self.readOnly = readOnly
    }
}
