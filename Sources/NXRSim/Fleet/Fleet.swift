import Foundation
import Logging
import NETCONF
import NIOCore
import NIOPosix
import Synchronization

/// Many simulated devices in one process, each on its own loopback address and event loop of a shared group.
public final class Fleet: Sendable {
    public let group: any EventLoopGroup
    public let clock: VirtualClock
    let logger: Logger
    private let registry = Mutex<Registry>(Registry())
    /// A snapshot of every device's IPsec policies by address, for computing IPsec status across devices.
    let ipsecDirectory = Mutex<[String: [XMLElement]]>([:])

    struct Registry {
        var order: [String] = []
        var byName: [String: SimulatedDevice] = [:]
    }

    public init(group: any EventLoopGroup, clock: VirtualClock = VirtualClock(), logger: Logger) {
        self.group = group
        self.clock = clock
        self.logger = logger
    }

    /// Creates a device (state folder loaded or created) without starting it.
    @discardableResult
    public func add(_ settings: SimulatedDevice.Settings) throws(SimError) -> SimulatedDevice {
        let device = try SimulatedDevice(
            settings: settings, eventLoop: self.group.next(), clock: self.clock, logger: self.logger)
        let name = device.name
        let added = self.registry.withLock { registry in
            guard registry.byName[name] == nil else { return false }
            registry.order.append(name)
            registry.byName[name] = device
            return true
        }
        guard added else { throw SimError(code: .badArgument, message: "two devices are named \(name)") }
        device.ipsecPeerCheck = { [weak self] localAddress, peer, policy in
            self?.peerHasMatchingPolicy(localAddress: localAddress, peer: peer, policy: policy) ?? false
        }
        device.onRunningChanged = { [weak self] address, running in
            self?.ipsecDirectory.withLock { $0[address] = Self.policies(running) }
        }
        return device
    }

    /// Every device, in the order they were added.
    public var devices: [SimulatedDevice] {
        self.registry.withLock { registry in registry.order.compactMap { registry.byName[$0] } }
    }

    /// The device with this code (or serial).
    public func device(_ name: String) -> SimulatedDevice? {
        self.registry.withLock { $0.byName[name] }
    }

    /// Starts every device, at most `window` binds in flight at once.
    public func startAll(window: Int = 256) async throws {
        let all = self.devices
        var index = 0
        while index < all.count {
            let batch = all[index..<min(index + window, all.count)]
            try await EventLoopFuture.andAllSucceed(batch.map { $0.start() }, on: self.group.any()).get()
            index += window
        }
    }

    /// Stops every device.
    public func stopAll() async {
        let futures = self.devices.map { $0.stop() }
        _ = try? await EventLoopFuture.andAllComplete(futures, on: self.group.any()).get()
    }

    /// Moves simulated time forward and lets every device react (confirmed-commit timeouts…).
    public func advanceTime(by seconds: TimeInterval) async {
        self.clock.advance(by: seconds)
        await self.clockChanged()
    }

    public func pauseTime() async {
        self.clock.pause()
        await self.clockChanged()
    }

    public func resumeTime() async {
        self.clock.resume()
        await self.clockChanged()
    }

    func clockChanged() async {
        let futures = self.devices.map { device in device.eventLoop.submit { device.timePassed() } }
        _ = try? await EventLoopFuture.andAllComplete(futures, on: self.group.any()).get()
    }

    /// A device's enabled IPsec policies, each with the peer address of its IKE policy as a `peer` child.
    static func policies(_ running: XMLElement) -> [XMLElement] {
        let ipsec = running.child("ipsec", namespace: SimModel.namespace)
        let ike = ipsec?.children("ike-policy") ?? []
        return (ipsec?.children("ipsec-policy") ?? []).compactMap { policy in
            guard policy.child("enabled")?.text.trimmed != "false" else { return nil }
            let reference = policy.child("ike-policy")?.text.trimmed
            let peer = ike.first { $0.child("name")?.text.trimmed == reference }?.child("peer-address")?.text.trimmed
            var copy = policy
            copy.children.append(.element(XMLElement("peer", text: peer ?? "")))
            return copy
        }
    }

    /// A policy is up when the device at `peer` holds an enabled policy whose peer is us and whose local/remote
    /// networks mirror ours.
    func peerHasMatchingPolicy(localAddress: String, peer: String, policy: XMLElement) -> Bool {
        let theirs = self.ipsecDirectory.withLock { $0[peer] } ?? []
        let local = policy.child("local-network")?.text.trimmed
        let remote = policy.child("remote-network")?.text.trimmed
        return theirs.contains { other in
            other.child("peer")?.text.trimmed == localAddress
                && other.child("local-network")?.text.trimmed == remote
                && other.child("remote-network")?.text.trimmed == local
        }
    }
}
