import CMSDaemon
import CMSModel
import CMSReconcile
import CRP
import Foundation
import Logging
import NETCONF
import NETCONFClient
import NXRSim
import NXRSimMemory
import TestSupport
import Testing

/// One tenant's ``TenantController`` with nothing real around it: the example repository as an in-memory
/// source, in-memory event and state stores, in-memory devices behind the session port, announcements handed
/// to the ``DeviceDirectory`` directly, and a ``ManualClock`` under every timer. No socket, no thread, no sleep:
/// tests move time with ``advance(by:)`` and wait with ``settle(_:)``.
final class CoreHarness: Sendable {
    static let tenant = "century"
    /// Devices of the repository whose baseline is enforced.
    static let managed = ["ebisu", "nxr01", "nxr02", "nxr03"]
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// 2027-01-15T08:00:00Z: event times are this plus the manual clock's offset.
    static let epoch: Int64 = 1_799_999_200 * 1_000_000

    let clock = ManualClock()
    let source = InMemoryDesiredStateSource(tenant: CoreHarness.tenant)
    let events = InMemoryEventStore()
    let state = InMemoryStateStore()
    let fleet = InMemoryFleet()
    let directory: DeviceDirectory
    let controller: TenantController
    let devices: [String: InMemoryDevice]
    let files: Locked<[String: String]>
    private let sequence = Locked<UInt64>(0)

    /// - Parameters:
    ///   - drift: the tenant's drift (and IPsec status) interval.
    ///   - ipsec: whether the tenant has an IPsec secret (policies are compiled and distributed).
    ///   - requestWait: how long a disruptive operation may wait for its turn (`timing.requestWait`).
    init(drift: Duration = .seconds(60), ipsec: Bool = true, requestWait: Duration = .seconds(3600)) async throws {
        var files = try Self.exampleFiles()
        for code in Self.managed where code != "ebisu" {
            files["devices/\(code).yaml", default: ""] += "configs:\n  - file: baseline.xml\n    type: xml\n    enforce: true\n"
            files["configs/\(code)/baseline.xml"] = Self.baseline(code, mtu: 1454)
        }
        self.files = Locked(files)
        let clock = self.clock
        let now: @Sendable () -> Timestamp = {
            let offset = clock.now.offset.components
            return Timestamp(
                microsecondsSince1970: Self.epoch + offset.seconds * 1_000_000 + offset.attoseconds / 1_000_000_000_000)
        }
        var logger = Logger(label: "core")
        logger.logLevel = .critical
        directory = DeviceDirectory(events: events, logger: logger, now: now, clock: clock)
        var devices: [String: InMemoryDevice] = [:]
        for (index, code) in Self.managed.enumerated() {
            let product = Self.product(of: code, in: files)
            let identity = DeviceIdentity(
                deviceCode: code, tenant: Self.tenant, product: product,
                serial: DeviceIdentity.serial(for: Self.tenant + "/" + code),
                hostname: "nxr-" + code, firmwareVersion: "21.7.3")
            let device = InMemoryDevice(identity: identity, address: "127.77.0.\(index + 10)")
            devices[code] = device
            await fleet.add(device)
        }
        self.devices = devices
        let fleet = self.fleet
        let context = DeviceContext(
            tenant: Self.tenant, username: "admin", authentication: .password("unused-in-memory"),
            events: events, logger: logger,
            policy: LifecyclePolicy(backoff: Backoff(base: .seconds(1), cap: .seconds(8))),
            refreshInterval: .seconds(300), now: now, jitter: { 0.5 },
            connect: DeviceConnector { request in
                try await fleet.connect(host: request.host, port: request.port, policy: request.hostKey)
            },
            clock: clock)
        controller = TenantController(
            configuration: TenantConfiguration(
                code: Self.tenant, repository: .init(url: "memory:", branch: "main"), pollInterval: .seconds(30),
                username: "admin", driftInterval: drift, pruneMaxFraction: 0.25),
            source: source, events: events, state: state, directory: directory, context: context,
            work: WorkQueue(globalLimit: 8),
            timing: DaemonTiming(
                retryBase: .seconds(2), retryCap: .seconds(16), confirmTimeout: .seconds(20), requestWait: requestWait),
            logger: logger, now: now, ipsecSecret: ipsec ? Array(repeating: 0x5a, count: 32) : nil)
    }

    // MARK: - Life

    /// Commits the repository as it is now, starts the controller and has every managed device announce.
    func start() async throws -> String {
        let revision = await commit("initial")
        await controller.start()
        for code in Self.managed { try await announce(code) }
        return revision
    }

    func stop() async {
        await controller.shutdown()
    }

    /// A CRP announcement of `code` from its address (or `address`), routed as the listener would.
    /// `authenticated`: as if the announcement's signature verified with the tenant's CRP secret (an
    /// unsigned one never moves a connected device off its session: docs/security.md, CRP listener).
    func announce(_ code: String, from address: String? = nil, authenticated: Bool = false) async throws {
        let device = try #require(devices[code])
        let host = address ?? device.address
        let number = sequence.withLockedValue { value -> UInt64 in
            value += 1
            return value
        }
        let announcement = Announcement(
            customerID: Self.tenant, cpeID: code, product: device.identity.product,
            advertise: .init(address: try #require(IPAddress(host)), port: UInt16(device.port)), bootID: await device.bootID,
            sequence: number)
        await directory.route(announcement, from: host, authenticated: authenticated)
    }

    /// Moves the manual clock (and so every timer of the daemon) forward.
    func advance(by duration: Duration) async {
        await clock.advance(by: duration)
    }

    /// Waits until `condition` holds (see `settled`: no timer of the daemon is real, this only polls state).
    func settle(_ condition: () async throws -> Bool) async rethrows -> Bool {
        try await settled(condition)
    }

    // MARK: - Repository

    @discardableResult
    func commit(_ message: String, author: String = "Alice") async -> String {
        let tree = files.withLockedValue { $0 }
        return await source.commit(tree, authorName: author, authorEmail: "\(author.lowercased())@example.com", message: message)
    }

    func setBaseline(_ code: String, mtu: Int, description: String = "pppoe") {
        files.withLockedValue { $0["configs/\(code)/baseline.xml"] = Self.baseline(code, mtu: mtu, description: description) }
    }

    // MARK: - Observation

    func sync(_ device: String) async -> DeviceSyncState? { await controller.syncStates()[device] }

    func events(_ type: EventType) async throws -> [Event] {
        try await events.search(EventQuery(tenant: Self.tenant, order: .ascending, limit: 10_000)).filter {
            $0.type == type
        }
    }

    /// Where the managed devices stand and the events so far, for a failing expectation's message.
    func describe() async -> String {
        var lines: [String] = []
        for code in Self.managed {
            let sync = await sync(code)
            lines.append(
                "\(code): \(sync?.condition.status.rawValue ?? "-") \(sync?.condition.reason ?? "-") "
                    + "\(sync?.condition.message ?? "") applied=\(sync?.lastAppliedRevision?.suffix(4) ?? "-")")
        }
        let all = (try? await events.search(EventQuery(tenant: Self.tenant, order: .ascending, limit: 10_000))) ?? []
        lines += all.map { "\($0.type.rawValue) \($0.device ?? "") \($0.details)" }
        return lines.joined(separator: "\n")
    }

    /// Whether every device in `devices` is ready at `revision`.
    func converged(at revision: String, devices: [String] = CoreHarness.managed) async -> Bool {
        for device in devices {
            guard let sync = await sync(device), sync.condition.status == .ready, sync.lastAppliedRevision == revision
            else { return false }
        }
        return true
    }

    /// The text of leaf `leaf` of interface `interface` in the device's running configuration.
    func interfaceLeaf(_ device: String, _ interface: String, _ leaf: String) async throws -> String? {
        let running = try await #require(devices[device]).running
        return ReconcileHarness.find(running, interface: interface, leaf: leaf)
    }

    /// The console edit of ppp0's MTU.
    static func mtuEdit(_ mtu: Int) -> XMLElement {
        let ns = "urn:cms:nxr:1.0"
        return XMLElement(
            "interfaces", namespace: ns,
            elements: [
                XMLElement(
                    "interface", namespace: ns,
                    elements: [XMLElement("name", namespace: ns, text: "ppp0"), XMLElement("mtu", namespace: ns, text: String(mtu))])
            ])
    }

    // MARK: - Files

    static func exampleFiles() throws -> [String: String] {
        let root = packageRoot.appendingPathComponent("examples/tenant-repo")
        var files: [String: String] = [:]
        let enumerator = try #require(
            FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]))
        for case let url as URL in enumerator {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            let path = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            // Binary files (a `.tgz` config) keep their path for lint's existence check; the in-memory source
            // holds text, and nothing applies them.
            files[path] = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        }
        return files
    }

    static func product(of code: String, in files: [String: String]) -> String {
        let text = files["devices/\(code).yaml"] ?? ""
        for line in text.split(separator: "\n") where line.hasPrefix("product:") {
            return line.dropFirst("product:".count).trimmingCharacters(in: .whitespaces)
        }
        return "NXR-120"
    }

    static func baseline(_ code: String, mtu: Int, description: String = "pppoe") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
          <system xmlns="urn:cms:nxr:1.0">
            <hostname>\(code)</hostname>
          </system>
          <interfaces xmlns="urn:cms:nxr:1.0">
            <interface>
              <name>ethernet0</name>
              <description>LAN</description>
            </interface>
            <interface>
              <name>ppp0</name>
              <description>\(description)</description>
              <mtu>\(mtu)</mtu>
            </interface>
          </interfaces>
        </config>
        """
    }
}
