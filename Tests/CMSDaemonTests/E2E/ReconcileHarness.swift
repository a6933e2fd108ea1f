import CMSAPI
import CMSDaemon
import CMSModel
import CMSReconcile
import CMSStore
import Foundation
import Logging
import NETCONF
import NIOCore
import NIOPosix
import NXRSim
import TestSupport
import Testing

/// A real tenant git repository (a copy of examples/tenant-repo with baselines enforced on nxr01…nxr03), an
/// in-process ``Daemon`` on loopback with short timers, and an in-process NXRSim fleet that announces to it.
final class ReconcileHarness: @unchecked Sendable {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    private static let lock = NSLock()
    nonisolated(unsafe) private static var counter = 0
    static let tenant = "century"
    /// Devices of the copied repository whose baseline is enforced.
    static let managed = ["ebisu", "nxr01", "nxr02", "nxr03"]

    let folder: URL
    let repo: URL
    let data: String
    var daemon: Daemon!
    var fleet: Fleet!
    var crpServer = ""
    var authorized: AuthorizedKeys!
    let prefix: String
    /// The example tenant's `backup:` settings (backup tests).
    var backupSettings: BackupConfiguration?

    init() throws {
        _ = Self.crpSecret  // sets CMS_CENTURY_CRP_SECRET before any daemon reads the tenant
        let n = Self.lock.withLock {
            Self.counter += 1
            return Self.counter
        }
        prefix = "127.\(200 + Int(getpid()) % 50).\(n).0"
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cmsd-e2e-\(UUID().uuidString)")
        repo = folder.appendingPathComponent("repo")
        data = folder.appendingPathComponent("data").path
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Self.packageRoot.appendingPathComponent("examples/tenant-repo"), to: repo)
        try Self.dropDesiredFirmware(in: repo)  // no rollout beside the tests of other capabilities
        for code in Self.managed where code != "ebisu" {
            let yaml = repo.appendingPathComponent("devices/\(code).yaml")
            var text = try String(contentsOf: yaml, encoding: .utf8)
            text += "configs:\n  - file: baseline.xml\n    type: xml\n    enforce: true\n"
            try text.write(to: yaml, atomically: true, encoding: .utf8)
            try writeBaseline(code, mtu: 1454)
        }
        try git(["init", "-q", "-b", "main"])
        try git(["config", "user.name", "Test Author"])
        try git(["config", "user.email", "author@example.com"])
        try commit("initial", author: "Test Author")
    }

    /// A daemon configuration with fast timers.
    /// `extraTenants` are served beside the example tenant (e.g. a hostile one).
    func configuration(
        drift: Duration = .seconds(1), maxDevices: Int = 100, extraTenants: [TenantConfiguration] = []
    ) -> DaemonConfiguration {
        DaemonConfiguration(
            dataFolder: data, crpListen: HostPort(host: "127.0.0.1", port: 0),
            apiListen: HostPort(host: "127.0.0.1", port: 0), limits: DaemonLimits(maxDevices: maxDevices, concurrency: 8),
            timing: DaemonTiming(
                retryBase: .milliseconds(300), retryCap: .seconds(2), confirmTimeout: .seconds(20),
                connectTimeout: .seconds(10), rpcTimeout: .seconds(10)),
            tenants: [
                TenantConfiguration(
                    code: Self.tenant, repository: .init(url: repo.path, branch: "main"), pollInterval: .milliseconds(500),
                    username: "admin", driftInterval: drift, pruneMaxFraction: 0.25, backup: backupSettings)
            ] + extraTenants)
    }

    /// The example tenant names its CRP secret `{env: CMS_CENTURY_CRP_SECRET}`: the daemon reads it from the
    /// environment and the simulated devices sign their announcements with it (docs/crp.md §3).
    static let crpSecret: [UInt8] = {
        let value = "e2e-crp-secret-\(UInt64.random(in: 0...UInt64.max))"
        setenv("CMS_CENTURY_CRP_SECRET", value, 1)
        return Array(value.utf8)
    }()

    /// Starts the daemon, then the fleet (every non-suspended device of the repository), which announces to it.
    func start(
        drift: Duration = .seconds(1), maxDevices: Int = 100,
        crpSecret: @Sendable (String) -> [UInt8]? = { _ in ReconcileHarness.crpSecret },
        extraTenants: [TenantConfiguration] = []
    ) async throws {
        let credentials = try TenantCredentials.load(dataFolder: data, tenant: Self.tenant)
        authorized = try AuthorizedKeys(parsing: credentials.publicKeyLine, source: "tenant key")
        var logger = Logger(label: "e2e")
        logger.logLevel = .critical
        daemon = try Daemon(
            configuration: configuration(drift: drift, maxDevices: maxDevices, extraTenants: extraTenants),
            logger: logger)
        try await daemon.start()
        let bound = try #require(await daemon.crp.localAddress)
        crpServer = "127.0.0.1:\(bound.port ?? 0)"
        fleet = Fleet(group: Self.group, logger: logger)
        let settings = try FleetPlan.fromRepo(
            repo, prefix: prefix, port: 0, stateRoot: folder.appendingPathComponent("sims"), authorized: authorized,
            crpServer: crpServer)
        for var item in settings {
            item.crpSecret = crpSecret(item.identity.deviceCode ?? item.identity.serial)
            item.keepalive = 3600
            item.rebootDelay = 0.3
            _ = try fleet.add(item)
        }
        try await fleet.startAll()
    }

    func stop() async {
        if let daemon { await daemon.shutdown() }
        if let fleet { await fleet.stopAll() }
        try? FileManager.default.removeItem(at: folder)
    }

    var controller: TenantController { daemon.controller(Self.tenant)! }
    var state: SQLiteStateStore { daemon.state }

    // MARK: - Repository

    func writeBaseline(_ code: String, mtu: Int, description: String = "pppoe") throws {
        let folder = repo.appendingPathComponent("configs/\(code)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let xml = CoreHarness.baseline(code, mtu: mtu, description: description)
        try xml.write(to: folder.appendingPathComponent("baseline.xml"), atomically: true, encoding: .utf8)
    }

    func write(_ path: String, _ text: String) throws {
        try text.write(to: repo.appendingPathComponent(path), atomically: true, encoding: .utf8)
    }

    @discardableResult
    func commit(_ message: String, author: String = "Alice") throws -> String {
        try git(["add", "-A"])
        try git(["-c", "user.name=\(author)", "-c", "user.email=\(author.lowercased())@example.com",
                 "commit", "-q", "--allow-empty", "-m", message])
        return try git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    func git(_ arguments: [String]) throws -> String {
        let result = try runProcess("/usr/bin/git", arguments, in: repo)
        guard result.status == 0 else { throw HarnessError("git \(arguments.joined(separator: " ")): \(result.stderr)") }
        return result.stdout
    }

    // MARK: - Observation

    func sync(_ device: String) async -> DeviceSyncState? { await controller.syncStates()[device] }

    func summaries() async throws -> [DeviceSummary] {
        try await daemon.devices(Self.tenant, query: DeviceListQuery()).devices
    }

    func events(_ type: EventType? = nil) async throws -> [Event] {
        let all = try await daemon.events.search(EventQuery(tenant: Self.tenant, limit: 100_000))
        return type.map { type in all.filter { $0.type == type } } ?? all
    }

    /// The text of leaf `name` of interface `interface` in the sim's running configuration.
    func interfaceLeaf(_ device: String, _ interface: String, _ name: String) async throws -> String? {
        let sim = try #require(fleet.device(device))
        let tree = try await sim.runningTree().get()
        return Self.find(tree, interface: interface, leaf: name)
    }

    static func find(_ element: XMLElement, interface: String, leaf: String) -> String? {
        if element.name == "interface", element.childText("name") == interface { return element.childText(leaf) }
        for child in element.elements {
            if let found = find(child, interface: interface, leaf: leaf) { return found }
        }
        return nil
    }

    /// Whether every managed device is ready at `revision` and every other non-suspended device is connected.
    func converged(at revision: String, devices: [String] = ReconcileHarness.managed) async -> Bool {
        for device in devices {
            guard let sync = await sync(device), sync.condition.status == .ready, sync.lastAppliedRevision == revision
            else { return false }
        }
        return true
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` every 100 ms until it holds or `timeout` passes.
func eventuallyTrue(
    timeout: Duration = .seconds(30), _ condition: @Sendable () async throws -> Bool
) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return true }
        try? await Task.sleep(for: .milliseconds(100))
    }
    return (try? await condition()) == true
}
