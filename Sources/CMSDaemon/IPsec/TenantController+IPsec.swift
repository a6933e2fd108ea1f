import CMSAPI
import CMSModel
import CMSPlan
import CMSReconcile
import NETCONFClient
import NXRModel

/// IPsec distribution of one tenant (docs/ipsec.md): compile with the announced addresses, follow address
/// changes, record verification per device, answer IPsec status.
extension TenantController {
    /// Compiles the revision in force again; enqueues the devices whose policies changed (when `enqueueChanged`)
    /// and records the new IPsec warnings.
    func recompileIPsec(enqueueChanged: Bool, revision: Revision?) async {
        guard ipsec != nil, let snapshot = inForce?.snapshot else { return }
        guard let (changed, warnings) = ipsec?.compile(snapshot) else { return }
        let time = now()
        await append(
            warnings.map { warning in
                Event(
                    time: time, tenant: code, type: .ipsecWarning, device: warning.device, user: revision?.user,
                    revision: revision?.commit ?? inForce?.commit,
                    details: ["group": warning.group, "warning": warning.description, "kind": warning.kind.rawValue])
            })
        if enqueueChanged {
            for device in changed { enqueue(device, user: nil) }
        }
    }

    /// A device connected (or announced again): when its address changed, its peers' policies follow.
    func ipsecDeviceReady(_ device: String) async {
        guard ipsec != nil, let agent = agents[device] else { return }
        let host = await agent.info().address?.host
        let address = host.flatMap(TenantIPsec.peerAddress)
        guard ipsec?.addresses[device] != address else { return }
        ipsec?.addresses[device] = address
        await recompileIPsec(enqueueChanged: true, revision: nil)
    }

    /// The IPsec part of `device` at the compilation in force (nil when IPsec is not configured).
    func ipsecPart(for device: String) -> IPsecPart? { ipsec?.part(for: device) }

    /// Whether the device's compiled policies differ from those last verified on it (a peer moved or the group
    /// changed): a difference found then is the desired state moving, not drift, even at the same revision.
    func ipsecMoved(_ device: String, part: IPsecPart?) -> Bool {
        guard let part, let held = ipsec?.verified[device] else { return false }
        return held != part.policies
    }

    /// Records the outcome of a run that carried `part`.
    func ipsecRunFinished(_ device: String, part: IPsecPart?, failure: String?) {
        guard let part else { return }
        ipsec?.finished(device, policies: part.policies, failure: failure)
    }

    /// The status of `group`; with `refresh` (or when nothing was read yet) every member is asked first.
    public func ipsecStatus(group: String, refresh: Bool) async throws(APIError) -> IPsecGroupStatus {
        guard let state = ipsec else {
            throw APIError(status: 503, code: "ipsec-unavailable", message: ipsecError ?? "IPsec is not configured")
        }
        guard let compiled = state.compilation?.group(group) else { throw APIError.notFound("IPsec group", group) }
        if refresh || state.fetchedAt == nil {
            await refreshIPsecStatus(devices: compiled.members.map(\.device))
        }
        guard let status = ipsec?.status(group: group, at: now()) else { throw APIError.notFound("IPsec group", group) }
        return status
    }

    /// The periodic refresh: reads the status of every member of every IPsec group.
    func ipsecStatusTick() async {
        guard let compilation = ipsec?.compilation else { return }
        let members = Set(compilation.groups.flatMap { $0.members.map(\.device) })
        guard !members.isEmpty else { return }
        await refreshIPsecStatus(devices: members.sorted())
    }

    /// Reads `get-ipsec-status` from each of `devices` (concurrently); an unreachable one is not fetched.
    func refreshIPsecStatus(devices: [String]) async {
        let targets = devices.compactMap { code in agents[code].map { (code, $0) } }
        let rows = await withTaskGroup(of: (String, [NXRRPCOutput.PolicyStatus]?).self) { group in
            for (code, agent) in targets {
                group.addTask {
                    let rows = try? await agent.withSession { session in try await IPsecStatusReader.read(session) }
                    return (code, rows)
                }
            }
            var all: [(String, [NXRRPCOutput.PolicyStatus]?)] = []
            for await item in group { all.append(item) }
            return all
        }
        for (code, result) in rows { ipsec?.reports[code] = result }
        ipsec?.fetchedAt = now()
    }
}

/// Reads a device's IPsec status with the vendor RPC `get-ipsec-status` (docs/nxr-model.md §5).
public enum IPsecStatusReader {
    public static func read(_ session: any DeviceSession, timeout: Duration? = nil) async throws
        -> [NXRRPCOutput.PolicyStatus]
    {
        let reply = try await session.rpc(IPsecStatusBuilder.request, timeout: timeout)
        return try IPsecStatusBuilder.parse(body: reply.body)
    }
}
