import CMSModel

/// What the web dashboard (docs/dashboard.md) needs beyond ``ControlPlane``: recording the sessions of its users
/// (`user.login`, `user.logout`, `user.idle-logout`) in the tenant's event log, with the token's name as the user.
public protocol DashboardControl: Sendable {
    /// Appends one user event to the tenant's log; a failure to record is logged by the daemon, not thrown —
    /// a login must not fail because the event log is busy.
    func recordUserEvent(tenant: String, type: EventType, user: String, details: [String: String]) async
}
