import CMSModel
import CMSReconcile
import Foundation

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
    /// Called instead of `run` when the operation is dropped before its turn: it waited longer than
    /// ``DaemonTiming/requestWait`` (`device.request.wait-timed-out`) or the device left the revision
    /// (`device.request.failed`). The reason is the event's; the engine records its own outcome with it.
    public var cancelled: @Sendable (_ reason: String) async -> Void

    public init(
        name: String, user: String? = nil, run: @escaping @Sendable (_ agent: DeviceAgent) async -> Void,
        cancelled: @escaping @Sendable (_ reason: String) async -> Void = { _ in }
    ) {
        self.name = name
        self.user = user
        self.run = run
        self.cancelled = cancelled
    }
}

extension TenantController {
    /// Queues a disruptive operation on a managed device. False (nothing queued) when the device is not managed
    /// by this tenant's revision in force, the controller is stopped, or an operation already waits for it; each
    /// refusal of a managed device is a `device.request.failed` event (the original's 機器要求エラー).
    @discardableResult
    public func submitDisruptive(_ device: String, _ operation: DisruptiveOperation) -> Bool {
        guard !stopped, agents[device] != nil else { return false }
        if let waiting = pendingOperations[device] {
            requestFailed(
                device, operation,
                reason: "\(waiting.name) already waits for its turn on this device; one operation waits per device")
            return false
        }
        pendingOperations[device] = operation
        guard work.enqueue(DeviceKey(tenant: code, device: device), kind: .disruptive) else {
            pendingOperations[device] = nil
            requestFailed(device, operation, reason: "the work queue refused it (cmsd is stopping)")
            return false
        }
        let wait = timing.requestWait
        let clock = context.clock
        let id = UUID()
        pendingWaits[device]?.timer.cancel()
        pendingWaits[device] = (
            id,
            Task { [weak self] in
                do { try await clock.sleep(for: wait) } catch { return }
                await self?.waitExpired(device, id: id, waited: wait)
            }
        )
        return true
    }

    /// The operations waiting for their turn, by device (status).
    public func pendingDisruptive() -> [String: String] { pendingOperations.mapValues(\.name) }

    /// The worker's disruptive step: the device's waiting operation, if it is still managed.
    func runDisruptive(_ device: String) async {
        pendingWaits.removeValue(forKey: device)?.timer.cancel()
        guard let operation = pendingOperations.removeValue(forKey: device) else { return }
        guard !stopped, agents[device] != nil else {
            logger.notice(
                "disruptive operation dropped: the device is no longer managed",
                metadata: ["device": "\(device)", "operation": "\(operation.name)"])
            if !stopped {
                let reason = "the device is no longer managed by the revision in force; the \(operation.name) is cancelled"
                await append([requestEvent(.deviceRequestFailed, device, operation, reason: reason)])
                await operation.cancelled(reason)
            }
            return
        }
        await operation.run(agents[device]!)
    }

    /// The operation waiting for `device` has not had its turn within `waited`: it is cancelled (the queue's entry
    /// finds nothing to run when its turn comes).
    func waitExpired(_ device: String, id: UUID, waited: Duration) async {
        guard !stopped, pendingWaits[device]?.id == id, let operation = pendingOperations[device] else { return }
        pendingWaits[device] = nil
        pendingOperations[device] = nil
        let name = operation.name
        let reason =
            "the \(name) waited \(Self.describe(waited)) for its turn on the work queue (timing.requestWait) and "
            + "was cancelled; the tenant's rollout.maxConcurrent operations were busy all that time"
        await append([requestEvent(.deviceRequestWaitTimedOut, device, operation, reason: reason)])
        await operation.cancelled(reason)
    }

    func requestFailed(_ device: String, _ operation: DisruptiveOperation, reason: String) {
        let event = requestEvent(.deviceRequestFailed, device, operation, reason: reason)
        Task { await self.append([event]) }
    }

    func requestEvent(_ type: EventType, _ device: String, _ operation: DisruptiveOperation, reason: String) -> Event {
        Event(
            time: context.now(), tenant: code, type: type, device: device, user: operation.user,
            revision: inForce?.commit, details: ["operation": operation.name, "error": reason])
    }

    static func describe(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        if seconds % 3600 == 0 { return "\(seconds / 3600) h" }
        if seconds % 60 == 0 { return "\(seconds / 60) min" }
        return "\(seconds) s"
    }
}
