import Foundation
import CMSAPI
import CMSModel
import Synchronization

/// The user events the dashboard asked each fake to record (tenant, type, user), in order (suites run side by side).
let dashboardUserEvents = Mutex<[UUID: [(tenant: String, type: EventType, user: String)]]>([:])

extension FakeControlPlane {
    /// The user events recorded through this fake.
    nonisolated var userEvents: [(tenant: String, type: EventType, user: String)] {
        dashboardUserEvents.withLock { $0[key] ?? [] }
    }
}

extension FakeControlPlane: DashboardControl {
    nonisolated func recordUserEvent(tenant: String, type: EventType, user: String, details: [String: String]) async {
        dashboardUserEvents.withLock { $0[key, default: []].append((tenant, type, user)) }
    }
}

/// The refreshes asked for on a user's behalf ("tenant user"), in order, by fake (suites run side by side).
let userRefreshes = Mutex<[UUID: [String]]>([:])

extension FakeControlPlane: RefreshControl {
    func refresh(_ tenant: String, user: String) async throws(APIError) -> RefreshResult {
        userRefreshes.withLock { $0[key, default: []].append("\(tenant) \(user)") }
        return try await refresh(tenant)
    }
}
