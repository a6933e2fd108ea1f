/// Where a tenant's desired state comes from: a git repository (`TenantRepositorySource`) in `cmsd`,
/// ``InMemoryDesiredStateSource`` in tests.
public protocol DesiredStateSource: Sendable {
    /// The tenant code this source belongs to.
    var tenant: String { get }
    /// Brings the source up to date and returns the newest commit id of the tenant's branch.
    func fetch() async throws -> String
    /// Reads and lints the files at `revision` (a commit id returned by ``fetch()``).
    func load(revision: String) async throws -> Revision
}
