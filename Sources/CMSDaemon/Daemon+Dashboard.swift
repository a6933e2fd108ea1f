import CMSAPI
import CMSModel

extension Daemon: DashboardControl {
    public func recordUserEvent(tenant: String, type: EventType, user: String, details: [String: String]) async {
        guard controllers[tenant] != nil else { return }
        do {
            _ = try await events.append([
                Event(time: environment.now(), tenant: tenant, type: type, user: user, details: details)
            ])
        } catch {
            logger.error("cannot record a dashboard event", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
        }
    }
}
