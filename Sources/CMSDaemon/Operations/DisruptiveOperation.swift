import CMSReconcile

/// One operation that takes a device out of service for a while (firmware update, config restore, reboot,
/// auto-config): the seam the firmware, config-archive and schedule engines plug into (issues 11, 12, 13).
///
/// It runs through the daemon's one ``WorkQueue`` as ``WorkKind/disruptive`` work, so the tenant's
/// `rollout.maxConcurrent` cap (at most 40 at once, SPEC §5) holds over every engine together, and a device never
/// runs a disruptive operation and a configuration apply at the same time. At most one operation waits per device;
/// a second is refused (``TenantController/submitDisruptive(_:_:)`` returns false) until the first has run.
///
/// `run` is given the device's agent (its session: ``DeviceAgent/withSession(_:)``; the expected reboot window:
/// ``DeviceAgent/rebootOrdered(_:)``) and returns when its step on the queue is over — waiting for the device to
/// come back after a reboot is the engine's business, off the queue, so the cap counts operations in flight on
/// devices, not devices rebooting.
public struct DisruptiveOperation: Sendable {
    /// What it is, for logs and status (`firmware-update`, `config-restore`, `reboot`, …).
    public var name: String
    /// Who asked (API user, schedule name, or the revision's author); nil when `cmsd` itself decided.
    public var user: String?
    public var run: @Sendable (_ agent: DeviceAgent) async -> Void

    public init(name: String, user: String? = nil, run: @escaping @Sendable (_ agent: DeviceAgent) async -> Void) {
        self.name = name
        self.user = user
        self.run = run
    }
}

extension TenantController {
    /// Queues a disruptive operation on a managed device. False (nothing queued) when the device is not managed
    /// by this tenant's revision in force, the controller is stopped, or an operation already waits for it.
    @discardableResult
    public func submitDisruptive(_ device: String, _ operation: DisruptiveOperation) -> Bool {
        guard !stopped, agents[device] != nil, pendingOperations[device] == nil else { return false }
        pendingOperations[device] = operation
        guard work.enqueue(DeviceKey(tenant: code, device: device), kind: .disruptive) else {
            pendingOperations[device] = nil
            return false
        }
        return true
    }

    /// The operations waiting for their turn, by device (status).
    public func pendingDisruptive() -> [String: String] { pendingOperations.mapValues(\.name) }

    /// The worker's disruptive step: the device's waiting operation, if it is still managed.
    func runDisruptive(_ device: String) async {
        guard let operation = pendingOperations.removeValue(forKey: device) else { return }
        guard !stopped, let agent = agents[device] else {
            logger.notice(
                "disruptive operation dropped: the device is no longer managed",
                metadata: ["device": "\(device)", "operation": "\(operation.name)"])
            return
        }
        await operation.run(agent)
    }
}
