import CMSAPI
import CMSModel
import Synchronization

/// The user events the dashboard asked the fake to record (tenant, type, user), in order.
let dashboardUserEvents = Mutex<[(tenant: String, type: EventType, user: String)]>([])

extension FakeControlPlane: DashboardControl {
    nonisolated func recordUserEvent(tenant: String, type: EventType, user: String, details: [String: String]) async {
        dashboardUserEvents.withLock { $0.append((tenant, type, user)) }
    }
}
