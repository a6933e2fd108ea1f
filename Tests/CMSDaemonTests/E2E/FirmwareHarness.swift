import CMSAPI
import CMSDaemon
import CMSModel
import CMSReconcile
import Foundation
import Logging
import NIOPosix
import NXRSim
import TestSupport
import Testing

/// A generated tenant (`fw`, one product, `count` devices `fw1…fwN`) in a real git repository, an in-process
/// ``Daemon`` (or a real `cmsd` process) and an in-process NXRSim fleet that announces to it — for firmware rollouts.
final class FirmwareHarness: @unchecked Sendable {
    static let tenant = "fw"
    private static let lock = NSLock()
    nonisolated(unsafe) private static var counter = 0

    let folder: URL
    let repo: URL
    let data: String
    let count: Int
    let product: String
    let prefix: String
    var daemon: Daemon!
    var fleet: Fleet!
    var authorized: AuthorizedKeys!
    /// The schedulers' clock and wall time (nil: the daemon's own), and the tenant's `backup:` settings.
    var scheduleTime: ScheduleTimeSource?
    var backupSettings: BackupConfiguration?

    var codes: [String] { (1...count).map { "fw\($0)" } }

    init(count: Int, product: String = "NXR-230") throws {
        let n = Self.lock.withLock {
            Self.counter += 1
            return Self.counter
        }
        self.count = count
        self.product = product
        // 127.(150…199).(n).0: away from ReconcileHarness's 127.200+ prefixes; ≤ 250 devices per harness.
        prefix = "127.\(150 + Int(getpid()) % 50).\(n).0"
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cmsd-fw-\(UUID().uuidString)")
        repo = folder.appendingPathComponent("repo")
        data = folder.appendingPathComponent("data").path
        try FileManager.default.createDirectory(at: repo.appendingPathComponent("devices"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: repo.appendingPathComponent("firmware"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: repo.appendingPathComponent("groups"), withIntermediateDirectories: true)
        try writeTenant(rollout: "maxConcurrent: 40")
        for code in codes {
            try write("devices/\(code).yaml", "apiVersion: cms/v1\nkind: Device\ncode: \(code)\nproduct: \(product)\n")
        }
        try git(["init", "-q", "-b", "main"])
        try commit("devices")
    }

    // MARK: - Repository

    func writeTenant(rollout: String, windows: String = "") throws {
        var text = "apiVersion: cms/v1\nkind: Tenant\ncode: \(Self.tenant)\ntimeZone: UTC\n"
        text += "rollout:\n" + rollout.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        if !windows.isEmpty { text += "windows:\n" + windows }
        try write("tenant.yaml", text)
    }

    /// A Firmware document naming a store image by sha256, and a group `all` of every device that wants it.
    func desire(image name: String, version: String, sha256: String, mode: String = "normal") throws {
        try write(
            "firmware/\(name).yaml",
            "apiVersion: cms/v1\nkind: Firmware\nname: \(name)\nproduct: \(product)\nversion: \(version)\nsha256: \(sha256)\n")
        try write(
            "groups/all.yaml",
            "apiVersion: cms/v1\nkind: Group\nname: all\nfirmware: {image: \(name), mode: \(mode)}\nmembers:\n"
                + codes.map { "  - device: \($0)\n" }.joined())
    }

    func write(_ path: String, _ text: String) throws {
        try text.write(to: repo.appendingPathComponent(path), atomically: true, encoding: .utf8)
    }

    @discardableResult
    func commit(_ message: String, author: String = "Fiona") throws -> String {
        try git(["add", "-A"])
        try git([
            "-c", "user.name=\(author)", "-c", "user.email=fiona@example.com", "commit", "-q", "--allow-empty", "-m",
            message,
        ])
        return try git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    func git(_ arguments: [String]) throws -> String {
        let result = try runProcess("/usr/bin/git", arguments, in: repo)
        guard result.status == 0 else { throw HarnessError("git \(arguments.joined(separator: " ")): \(result.stderr)") }
        return result.stdout
    }

    /// An image the simulator accepts: its header line, then `size` bytes of filler.
    func image(version: String, size: Int = 256 << 10) throws -> URL {
        var bytes = Array(FirmwareImageHeader(product: product, version: version).line.utf8)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(version.utf8.count + size)
        while bytes.count < size {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes.append(UInt8(truncatingIfNeeded: state >> 33))
        }
        let url = folder.appendingPathComponent("image-\(version).bin")
        try Data(bytes).write(to: url)
        return url
    }

    // MARK: - Daemon and fleet

    func configuration() -> DaemonConfiguration {
        var configuration = DaemonConfiguration(
            dataFolder: data, crpListen: HostPort(host: "127.0.0.1", port: 0),
            apiListen: HostPort(host: "127.0.0.1", port: 0),
            limits: DaemonLimits(maxDevices: 5000, concurrency: 64),
            timing: DaemonTiming(
                retryBase: .milliseconds(300), retryCap: .seconds(2), confirmTimeout: .seconds(20),
                connectTimeout: .seconds(20), rpcTimeout: .seconds(20)),
            tenants: [
                TenantConfiguration(
                    code: Self.tenant, repository: .init(url: repo.path, branch: "main"),
                    pollInterval: .milliseconds(300), username: "admin", driftInterval: .seconds(3600),
                    backup: backupSettings)
            ])
        configuration.firmwareListen = HostPort(host: "127.0.0.1", port: 0)
        return configuration
    }

    static let fast = FirmwareEngine.Settings(
        tick: .milliseconds(200), plan: .milliseconds(500), poll: .milliseconds(100), rpcTimeout: .seconds(60),
        retryDelay: .milliseconds(300))

    func startDaemon() async throws {
        var logger = Logger(label: "e2e.firmware")
        logger.logLevel = .critical
        var environment = DaemonEnvironment()
        environment.firmware = Self.fast
        environment.scheduleTime = scheduleTime
        daemon = try Daemon(configuration: configuration(), logger: logger, environment: environment)
        try await daemon.start()
    }

    /// The fleet, announcing to `crp` (the in-process daemon's listener when nil).
    func startFleet(crp: String? = nil, rebootDelay: Double = 0.2) async throws {
        let credentials = try TenantCredentials.load(dataFolder: data, tenant: Self.tenant)
        authorized = try AuthorizedKeys(parsing: credentials.publicKeyLine, source: "tenant key")
        var server = crp
        if server == nil {
            let bound = try #require(await daemon.crp.localAddress)
            server = "127.0.0.1:\(bound.port ?? 0)"
        }
        var logger = Logger(label: "e2e.firmware.fleet")
        logger.logLevel = .critical
        fleet = Fleet(group: ReconcileHarness.group, logger: logger)
        for var settings in try FleetPlan.fromCount(
            count: count, prefix: prefix, codePrefix: "fw", tenant: Self.tenant, product: product, port: 0,
            stateRoot: folder.appendingPathComponent("sims"), authorized: authorized, crpServer: server,
            firmwareVersion: "5.0.0")
        {
            settings.keepalive = 2
            settings.rebootDelay = rebootDelay
            _ = try fleet.add(settings)
        }
        try await fleet.startAll()
    }

    func stop() async {
        if let daemon { await daemon.shutdown() }
        if let fleet { await fleet.stopAll() }
        try? FileManager.default.removeItem(at: folder)
    }

    // MARK: - Observation

    func snapshots() async throws -> [String: DeviceSnapshot] {
        var result: [String: DeviceSnapshot] = [:]
        for code in codes {
            let sim = try #require(fleet.device(code))
            result[code] = try await sim.snapshot().get()
        }
        return result
    }

    func connectedCount() async throws -> Int {
        try await daemon.devices(Self.tenant, query: DeviceListQuery()).devices.filter {
            $0.state == .connected || $0.state == .communicating
        }.count
    }

    func events(_ type: EventType) async throws -> [Event] {
        try await daemon.events.search(EventQuery(tenant: Self.tenant, limit: 100_000)).filter { $0.type == type }
    }

    func rollouts() async throws -> RolloutList { try await daemon.rollouts(Self.tenant) }

    func addImage(_ url: URL) async throws -> StoredFirmwareImage {
        let data = try Data(contentsOf: url)
        let stream = AsyncThrowingStream<[UInt8], any Error> { continuation in
            var offset = 0
            while offset < data.count {
                let end = min(offset + 64 << 10, data.count)
                continuation.yield(Array(data[offset..<end]))
                offset = end
            }
            continuation.finish()
        }
        return try await daemon.addFirmwareImage(
            Self.tenant, product: product, version: nil, user: "tester", chunks: stream)
    }
}

extension ReconcileHarness {
    /// The example repository declares desired firmware (groups and devices) with images on an unreachable URL:
    /// tests about other capabilities drop those targets from their copy so no rollout runs beside them.
    static func dropDesiredFirmware(in repo: URL) throws {
        for folder in ["devices", "groups"] {
            let directory = repo.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".yaml") {
                let url = directory.appendingPathComponent(name)
                let text = try String(contentsOf: url, encoding: .utf8)
                var kept: [Substring] = []
                var inFirmware = false
                for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                    if line.hasPrefix("firmware:") {
                        inFirmware = line.trimmingCharacters(in: .whitespaces) == "firmware:"
                        continue
                    }
                    if inFirmware, line.hasPrefix("  ") { continue }
                    inFirmware = false
                    kept.append(line)
                }
                let stripped = kept.joined(separator: "\n")
                if stripped != text { try stripped.write(to: url, atomically: true, encoding: .utf8) }
            }
        }
    }
}
