/// Where a tenant's desired state lives: a git repository, a branch, and optionally a folder in it.
public struct TenantRepository: Sendable, Hashable {
    /// `file://…`, a local path, or any URL libgit2 can fetch.
    public var url: String
    public var branch: String
    /// The tenant's folder inside the repository; nil for the whole repository.
    public var subfolder: String?

    public init(url: String, branch: String = "main", subfolder: String? = nil) {
        self.url = url
        self.branch = branch
        self.subfolder = subfolder
    }
}
