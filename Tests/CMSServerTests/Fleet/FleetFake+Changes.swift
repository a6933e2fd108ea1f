import CMSAPI
import CMSModel

/// Changes the fake's answers while a `--watch` runs.
extension FakeControlPlane {
    func setState(_ code: String, state: DeviceState, sync: SyncStatus, tenant: String = "acme") {
        guard let index = devicesByTenant[tenant]?.firstIndex(where: { $0.code == code }) else { return }
        devicesByTenant[tenant]?[index].state = state
        devicesByTenant[tenant]?[index].sync = sync
    }
}
