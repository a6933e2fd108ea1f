import CMSModel

/// Where a tenant's config archive is pushed (`archive:` of the tenant in `cmsd.yaml`): a git URL or path, the
/// branch, and the password or token as a secret reference (never the secret itself).
public struct ArchiveRemote: Sendable, Hashable {
    public var url: String
    public var branch: String
    public var username: String?
    public var credentials: SecretRef?

    public init(url: String, branch: String = "main", username: String? = nil, credentials: SecretRef? = nil) {
        self.url = url
        self.branch = branch
        self.username = username
        self.credentials = credentials
    }
}
