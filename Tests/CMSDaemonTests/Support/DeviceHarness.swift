import CMSDaemon
import CMSModel
import CMSReconcile
import CRP
import CRPTransport
import Foundation
import Logging
import NETCONFClient
import NIOCore
import NIOPosix
import NXRSim

/// Real in-process simulated NXRs on loopback, a tenant key, an event store, a directory and a CRP
/// service on 127.0.0.1 with a free port: everything a device agent needs, torn down by `stop()`.
final class DeviceHarness: Sendable {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    private static let counter = Locked(0)

    let folder: URL
    let tenant: String
    let authentication: SSHAuthentication
    let authorized: AuthorizedKeys
    let events = InMemoryEventStore()
    let recorder = Recorder()
    let loop: NETCONFClientLoop
    let directory: DeviceDirectory
    let crp: CRPService
    let crpServer: String
    /// The tenant's CRP secret: the service verifies and the simulated devices sign with it.
    let crpSecret: [UInt8]?
    private let fleets = Locked<[Fleet]>([])
    private let agents = Locked<[DeviceAgent]>([])

    /// What the agents told the daemon through `onPin` and `onReady`.
    actor Recorder {
        struct Pin: Equatable {
            var code: String
            var hostKey: String?
            var serial: String?
        }
        private(set) var pins: [Pin] = []
        private(set) var ready: [String] = []

        func pinned(_ code: String, _ hostKey: String?, _ serial: String?) {
            pins.append(Pin(code: code, hostKey: hostKey, serial: serial))
        }

        func becameReady(_ code: String) { ready.append(code) }
    }

    /// A fresh loopback address per device so tests may run in parallel.
    static func nextAddress() -> String {
        let n = counter.withLockedValue { value -> Int in
            value += 1
            return value
        }
        let base = 140 + Int(getpid()) % 60
        return "127.\(base).\(n / 250).\(n % 250 + 2)"
    }

    init(
        tenant: String = "century", directoryLimits: DeviceDirectory.Limits = DeviceDirectory.Limits(),
        crpSecret: [UInt8]? = nil
    ) async throws {
        self.tenant = tenant
        self.crpSecret = crpSecret
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cmsd-devices-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let credentials = try TenantCredentials.load(
            dataFolder: folder.appendingPathComponent("data").path, tenant: tenant)
        authentication = credentials.authentication
        authorized = try AuthorizedKeys(parsing: credentials.publicKeyLine, source: "tenant key")
        loop = NETCONFClientLoop(name: "devices-test")
        var logger = Logger(label: "test.directory")
        logger.logLevel = .critical
        directory = DeviceDirectory(events: events, logger: logger, limits: directoryLimits)
        crp = CRPService(
            host: "127.0.0.1", port: 0,
            configuration: CRPListenerConfiguration(secretFor: { $0 == tenant ? crpSecret : nil }),
            directory: directory, logger: logger)
        let bound = try await crp.start()
        crpServer = "127.0.0.1:\(bound.port ?? 0)"
    }

    /// The context of the tenant's agents, with a fast backoff for tests.
    func context(
        refreshInterval: Duration = .seconds(300),
        backoff: Backoff = Backoff(base: .milliseconds(200), cap: .seconds(1)),
        identificationTimeout: Duration = .seconds(20)
    ) -> DeviceContext {
        var logger = Logger(label: "test.agent")
        logger.logLevel = .critical
        let recorder = self.recorder
        return DeviceContext(
            tenant: tenant, username: "admin", authentication: authentication, loop: loop,
            timeouts: NETCONFTimeouts(connect: .seconds(10), hello: .seconds(10), rpc: .seconds(20)),
            events: events, logger: logger,
            onReady: { code in Task { await recorder.becameReady(code) } },
            onPin: { code, key, serial in await recorder.pinned(code, key, serial) },
            policy: LifecyclePolicy(backoff: backoff, identificationTimeout: identificationTimeout),
            refreshInterval: refreshInterval)
    }

    /// An agent for a registered device (not yet known to the directory: see `register`).
    func agent(
        code: String, product: Product = .nxr120, hostKey: String? = nil, suspended: Bool = false,
        context: DeviceContext? = nil
    ) -> DeviceAgent {
        let agent = DeviceAgent(
            expectation: DeviceExpectation(code: code, product: product, hostKey: hostKey), suspended: suspended,
            context: context ?? self.context())
        agents.withLockedValue { $0.append(agent) }
        return agent
    }

    /// Starts a simulated device in its own fleet (so two devices may claim the same code).
    /// With `announce` it sends CRP to this harness's service.
    func device(
        code: String, tenant: String? = nil, product: String = "NXR-120", announce: Bool = true,
        keepalive: Double = 3600, crpServer: String? = nil
    ) async throws -> SimulatedDevice {
        var logger = Logger(label: "test.sim")
        logger.logLevel = .critical
        let fleet = Fleet(group: Self.group, logger: logger)
        fleets.withLockedValue { $0.append(fleet) }
        var settings = try FleetPlan.single(
            code: code, tenant: tenant ?? self.tenant, product: product, address: Self.nextAddress(), port: 0,
            stateDirectory: folder.appendingPathComponent("sim-\(UUID().uuidString)"), authorized: authorized,
            crpServer: announce ? (crpServer ?? self.crpServer) : nil)
        settings.keepalive = keepalive
        if (tenant ?? self.tenant) == self.tenant { settings.crpSecret = crpSecret }
        settings.rebootDelay = 0.3
        let device = try fleet.add(settings)
        try await device.start().get()
        return device
    }

    /// Where a device's SSH/NETCONF service listens.
    func address(of device: SimulatedDevice) async throws -> ControlAddress {
        let snapshot = try await device.snapshot().get()
        return ControlAddress(host: snapshot.address, port: snapshot.port)
    }

    func stop() async {
        for agent in agents.withLockedValue({ $0 }) { await agent.shutdown() }
        await crp.stop()
        for fleet in fleets.withLockedValue({ $0 }) { await fleet.stopAll() }
        loop.shutdown()
        try? FileManager.default.removeItem(at: folder)
    }

    /// The tenant's events of a type, oldest first.
    func events(_ type: EventType) async throws -> [Event] {
        try await events.search(EventQuery(tenant: tenant, order: .ascending, limit: 5000)).filter { $0.type == type }
    }

    func allEvents() async throws -> [Event] {
        try await events.search(EventQuery(tenant: tenant, order: .ascending, limit: 5000))
    }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
func eventually(
    timeout: Duration = .seconds(20), _ condition: @Sendable () async throws -> Bool
) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while clock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(25))
    }
    return try await condition()
}

/// A value behind a lock, for test bookkeeping.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func withLockedValue<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
