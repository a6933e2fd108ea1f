import CMSModel
import Synchronization

/// Where a tenant's device agents post their lifecycle state as it changes, so the tenant's status is read from
/// kept values — no hop into 2,048 agent actors per status poll (issue 10: status of 2,048 devices ≤ 1 ms).
///
/// Written synchronously by each agent after every lifecycle step (a `Mutex` held for one dictionary write), read by
/// the controller's status. Devices never posted (no agent yet) are absent.
public final class DeviceStateBoard: Sendable {
    private let states = Mutex<[String: DeviceState]>([:])

    public init() {}

    public func post(_ device: String, _ state: DeviceState) {
        states.withLock { $0[device] = state }
    }

    public func remove(_ device: String) {
        _ = states.withLock { $0.removeValue(forKey: device) }
    }

    public func state(_ device: String) -> DeviceState? { states.withLock { $0[device] } }

    /// Every posted state, at one instant.
    public func snapshot() -> [String: DeviceState] { states.withLock { $0 } }
}
