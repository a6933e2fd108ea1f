import CMSModel
import Synchronization

/// Where a tenant's device agents post their lifecycle state as it changes, so the tenant's status is read from
/// kept values — no hop into 2,048 agent actors per status poll (issue 10: status of 2,048 devices ≤ 1 ms).
///
/// Written synchronously by each agent after every lifecycle step (a `Mutex` held for one dictionary write), read by
/// the controller's status. Devices never posted (no agent yet) are absent.
public final class DeviceStateBoard: Sendable {
    /// What an agent posts.
    public struct Posting: Sendable, Hashable {
        public var state: DeviceState
        /// When management was blocked by a host-key mismatch (nil: not blocked).
        public var blockedSince: Timestamp?
    }

    private let postings = Mutex<[String: Posting]>([:])

    public init() {}

    /// `blocked`: the device presented another host key than the pinned one. `time` dates a new block.
    public func post(_ device: String, _ state: DeviceState, blocked: Bool = false, at time: Timestamp = .seconds(0)) {
        postings.withLock { postings in
            let since = blocked ? (postings[device]?.blockedSince ?? time) : nil
            postings[device] = Posting(state: state, blockedSince: since)
        }
    }

    public func remove(_ device: String) {
        _ = postings.withLock { $0.removeValue(forKey: device) }
    }

    public func posting(_ device: String) -> Posting? { postings.withLock { $0[device] } }

    /// Every posting, at one instant.
    public func snapshot() -> [String: Posting] { postings.withLock { $0 } }
}
