import CMSModel

/// Where a tenant's config archive is pushed (`archive:` of the tenant in `cmsd.yaml`): a git URL or path, the
/// branch, and the password or token — or, over SSH, a private key with the server's pinned host key — as secret
/// references (never the secret itself).
public struct ArchiveRemote: Sendable, Hashable {
    public var url: String
    public var branch: String
    public var username: String?
    public var credentials: SecretRef?
    /// For `ssh://` URLs: the private key as a secret reference (OpenSSH or PEM text), its passphrase if any, and
    /// the server's pinned host key (`SHA256:…`), which an ssh:// remote must have.
    public var privateKey: SecretRef?
    public var passphrase: SecretRef?
    public var hostKey: String?

    public init(url: String, branch: String = "main", username: String? = nil, credentials: SecretRef? = nil) {
        self.url = url
        self.branch = branch
        self.username = username
        self.credentials = credentials
    }
}
