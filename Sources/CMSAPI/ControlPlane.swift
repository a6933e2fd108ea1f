import CMSModel

/// What `cmsd` offers to its HTTP API (and so to the `cms` CLI): the one seam between the daemon
/// (`CMSDaemon`) and the server (`CMSServer`). Every call is scoped to one tenant; the server has
/// already checked the caller's bearer token for that tenant. Errors are ``APIError``s.
public protocol ControlPlane: Sendable {
    /// Codes of the tenants this daemon serves.
    func tenantCodes() async -> [String]
    /// The tenant's sync status, revisions and device counters.
    func tenantStatus(_ tenant: String) async throws(APIError) -> TenantStatus
    /// One page of the tenant's devices (filter, search, paging as SPEC §3).
    func devices(_ tenant: String, query: DeviceListQuery) async throws(APIError) -> DevicePage
    /// Everything known about one device.
    func device(_ tenant: String, code: String) async throws(APIError) -> DeviceDetail
    /// The event log search of SPEC §3.2.4 (`query.tenant` is set by the server).
    func events(_ query: EventQuery) async throws(APIError) -> [Event]
    /// What would change, per device, if `revision` (default: the branch tip, fetched now) were applied.
    func plan(_ tenant: String, revision: String?, native: Bool) async throws(APIError) -> TenantPlan
    /// Enqueue a reconcile of one device, or of every device of the tenant when `device` is nil.
    func reconcile(_ tenant: String, device: String?, user: String?) async throws(APIError) -> ReconcileAccepted
    /// Fetch the tenant's repository now (the webhook); returns the tip and whether it is new.
    func refresh(_ tenant: String) async throws(APIError) -> RefreshResult
    /// The IPsec status of one group; `refresh` reads it from the members' devices first.
    func ipsecStatus(_ tenant: String, group: String, refresh: Bool) async throws(APIError) -> IPsecGroupStatus
    /// Counters and gauges for Prometheus `/metrics`.
    func metrics() async -> MetricsSnapshot
}
