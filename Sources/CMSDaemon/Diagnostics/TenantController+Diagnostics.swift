import CMSAPI
import CMSModel

extension TenantController {
    /// The agent of a device the revision in force manages, or 404.
    func diagnosticsAgent(_ device: String) throws(APIError) -> DeviceAgent {
        guard !stopped, let agent = agents[device] else { throw APIError.notFound("device", device) }
        return agent
    }

    /// The members of a group of the revision in force, or 404.
    func groupMembers(_ group: String) throws(APIError) -> [String] {
        guard let found = inForce?.snapshot?.groups.first(where: { $0.name == group }) else {
            throw APIError.notFound("group", group)
        }
        return found.members.map(\.device).sorted()
    }

    /// Appends events of diagnostics and syslog collection (a failing store is logged, the operation stands).
    func recordDiagnostics(_ list: [Event]) async {
        do {
            try await events.append(list)
        } catch {
            logger.error("cannot record diagnostic events", metadata: ["error": "\(error)"])
        }
    }
}
