import GitSource

/// Why a tenant's repository could not be fetched or read; each case names the tenant and what to do.
public enum TenantSourceError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Cloning or fetching the repository, or finding its branch, failed.
    case fetch(tenant: String, GitSourceError)
    /// The files of a revision could not be read.
    case load(tenant: String, revision: String, detail: String)

    public var description: String {
        switch self {
        case .fetch(let tenant, let error):
            return "tenant \(tenant): \(error)"
        case .load(let tenant, let revision, let detail):
            return "tenant \(tenant): cannot read revision \(revision.prefix(12)): \(detail)"
        }
    }
}
