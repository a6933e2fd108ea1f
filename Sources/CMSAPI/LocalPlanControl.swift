import Foundation

/// A working tree sent to cmsd to be planned against live state (`cms plan --local PATH`,
/// `POST /api/v1/tenants/{t}/plan/local`): repository-relative path → the file's bytes (base64 in JSON).
public struct LocalTree: Sendable, Hashable, Codable {
    public var files: [String: Data]

    public init(files: [String: Data]) { self.files = files }

    /// The largest body the server reads (the tree is held to the tenant's input limits after that).
    public static let maximumBodyBytes = 96 << 20
}

/// What a control plane offers for `cms plan --local` (the Daemon; test fakes may not).
public protocol LocalPlanControl: Sendable {
    /// The plan of `tree` (linted like a revision, commit `local`) against the devices' live state.
    func planLocal(_ tenant: String, tree: LocalTree, native: Bool, user: String?) async throws(APIError) -> TenantPlan
}
