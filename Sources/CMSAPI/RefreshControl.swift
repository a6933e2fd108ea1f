/// Fetching a tenant's repository on a user's behalf (`POST /api/v1/tenants/{t}/refresh`, the dashboard's *Fetch
/// now*): like ``ControlPlane/refresh(_:)``, and the request is recorded as a `gitops.refresh.requested` event with
/// the user (the token's name) and what came of it. A separate protocol so ``ControlPlane`` stays as it is; a
/// control plane without it is refreshed through ``ControlPlane/refresh(_:)``, unrecorded.
public protocol RefreshControl: Sendable {
    func refresh(_ tenant: String, user: String) async throws(APIError) -> RefreshResult
}
