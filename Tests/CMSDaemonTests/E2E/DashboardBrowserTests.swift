import CMSDaemon
import Foundation
import Logging
import NXRSim
import Synchronization
import TestSupport
import Testing

/// The dashboard in a real browser: headless Chromium (Debian's chromium + chromium-driver, driven by
/// python3-selenium: scripts/dashboard_browser.py) against a live `cmsd` process and an nxr-sim fleet on loopback.
/// The script logs in, compares the overview's counters with the API, searches and pages, reads the IPsec SVGs of
/// the guide's mesh and star, pulls a config and writes a backup from their pages, lays every page out on a phone
/// viewport, switches the language, watches a device go DOWN without a reload, and checks that actions without the
/// cookie or with a forged CSRF token are refused. Its screenshots go to
/// `CMS_DASHBOARD_SCREENSHOTS` (docs/dashboard; `make dashboard-screenshots`) or a temporary folder.
@Suite(.serialized, .tags(.peer)) struct DashboardBrowserTests {
    static let script = ReconcileHarness.packageRoot.appendingPathComponent("scripts/dashboard_browser.py").path
    static let extraDevices = (1...12).map { String(format: "lab%02d", $0) }

    @Test func theDashboardWorksInHeadlessChromium() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: CrashRecoveryTests.binary), "build cmsd first")
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"), "scripts/setup.sh installs chromium-driver")
        let harness = try ReconcileHarness()
        defer { try? FileManager.default.removeItem(at: harness.folder) }
        // 16 devices in the example + 12 never announced: 28, so paging by 16 has two pages.
        for code in Self.extraDevices {
            try harness.write("devices/\(code).yaml", """
                apiVersion: cms/v1
                kind: Device
                code: \(code)
                name: ラボ \(code)
                product: NXR-120
                note: lab bench

                """)
        }
        _ = try harness.commit("lab devices")
        let tokens = (alice: "alice-\(UUID().uuidString)", viewer: "viewer-\(UUID().uuidString)",
                      ops: "ops-\(UUID().uuidString)")
        setenv("CMS_DASH_ALICE_TOKEN", tokens.alice, 1)
        setenv("CMS_DASH_VIEWER_TOKEN", tokens.viewer, 1)
        setenv("CMS_DASH_OPS_TOKEN", tokens.ops, 1)
        setenv("CMS_CENTURY_BACKUP_KEY", Data((0..<32).map { UInt8($0 * 7 % 256) }).base64EncodedString(), 1)
        let crpPort = try LoopbackPort.free()
        let apiPort = try LoopbackPort.free()
        let config = harness.folder.appendingPathComponent("cmsd.yaml")
        try """
            dataFolder: data
            listen: {crp: "127.0.0.1:\(crpPort)", api: "127.0.0.1:\(apiPort)"}
            timing: {retryBase: 300ms, retryCap: 2s, confirmTimeout: 30s, connectTimeout: 10s, rpcTimeout: 20s}
            apiTokens: [{name: ops, secret: {env: CMS_DASH_OPS_TOKEN}}]
            tenants:
              - code: century
                repo: {url: repo, branch: main}
                pollInterval: 500ms
                driftInterval: 1h
                username: admin
                apiTokens:
                  - {name: alice, secret: {env: CMS_DASH_ALICE_TOKEN}}
                  - {name: viewer, secret: {env: CMS_DASH_VIEWER_TOKEN}, readOnly: true}
                backup: {key: {env: CMS_CENTURY_BACKUP_KEY}}
            """.write(to: config, atomically: true, encoding: .utf8)
        let credentials = try TenantCredentials.load(dataFolder: harness.data, tenant: ReconcileHarness.tenant)
        let authorized = try AuthorizedKeys(parsing: credentials.publicKeyLine, source: "tenant key")
        let crpSecret = ReconcileHarness.crpSecret
        let process = try CrashRecoveryTests.launch(
            config: config.path, log: harness.folder.appendingPathComponent("cmsd.log"))
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        var logger = Logger(label: "e2e.dashboard")
        logger.logLevel = .critical
        let fleet = Fleet(group: ReconcileHarness.group, logger: logger)
        for var settings in try FleetPlan.fromRepo(
            harness.repo, prefix: harness.prefix, port: 0, stateRoot: harness.folder.appendingPathComponent("sims"),
            authorized: authorized, crpServer: "127.0.0.1:\(crpPort)")
        where !Self.extraDevices.contains(settings.identity.deviceCode ?? "") {
            settings.crpSecret = crpSecret
            settings.keepalive = 1
            settings.rebootDelay = 0.3
            _ = try fleet.add(settings)
        }
        try await fleet.startAll()
        let base = "http://127.0.0.1:\(apiPort)"
        let down = "nxr02"
        @Sendable func deviceState(_ code: String) -> String? {
            guard let result = try? runProcess(
                "/usr/bin/curl",
                ["-sf", "-H", "Authorization: Bearer \(tokens.alice)", "\(base)/api/v1/tenants/century/devices/\(code)"]),
                result.status == 0,
                let json = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                let summary = json["summary"] as? [String: Any]
            else { return nil }
            return summary["state"] as? String
        }
        #expect(await eventuallyTrue(timeout: .seconds(90)) { deviceState(down) == "connected" },
                "\(down) connects to the cmsd under test")

        let shots = ProcessInfo.processInfo.environment["CMS_DASHBOARD_SCREENSHOTS"]
            ?? harness.folder.appendingPathComponent("screenshots").path
        let browser = Process()
        browser.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        browser.arguments = [Self.script, base, "century", tokens.alice, tokens.viewer, tokens.ops, shots, down]
        let output = Pipe()
        let input = Pipe()
        let errors = Pipe()
        browser.standardOutput = output
        browser.standardInput = input
        browser.standardError = errors
        let lines = OutputLines()
        output.fileHandleForReading.readabilityHandler = { handle in
            lines.add(String(decoding: handle.availableData, as: UTF8.self))
        }
        try browser.run()
        // The handshake: when the page watches, the device goes down in the simulator; once the API says so, the
        // script gets 2 s to see it on the page without a reload.
        let waiting = await eventuallyTrue(timeout: .seconds(240)) {
            lines.all.contains { $0.hasPrefix("WAIT-DOWN") || $0 == "END" } || !browser.isRunning
        }
        #expect(waiting, "the browser script reaches the live step")
        if lines.all.contains("WAIT-DOWN \(down)") {
            let sim = try #require(fleet.device(down))
            try await sim.stop().get()
            #expect(await eventuallyTrue(timeout: .seconds(30)) { deviceState(down) == "disconnected" },
                    "cmsd sees \(down) go down")
        }
        input.fileHandleForWriting.write(Data("DOWN\n".utf8))
        #expect(await eventuallyTrue(timeout: .seconds(120)) { !browser.isRunning }, "the browser script ends")
        if browser.isRunning { browser.terminate() }
        browser.waitUntilExit()
        output.fileHandleForReading.readabilityHandler = nil
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let all = lines.all
        #expect(browser.terminationStatus == 0, "dashboard_browser.py failed:\n\(stderr.suffix(3000))")
        #expect(all.last == "END", "the script ran to its end; stdout:\n\(all.joined(separator: "\n"))")
        var checks: [String: Bool] = [:]
        for line in all where line.hasPrefix("{") {
            guard let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let name = json["check"] as? String, let ok = json["ok"] as? Bool
            else { continue }
            checks[name] = ok
            #expect(ok, "browser check \(name): \(line)")
        }
        let expected = [
            "redirected-to-login", "bad-token-refused", "logged-in", "cookie-flags", "overview-counts-match-api",
            "overview-revision", "paging", "search-partial", "search-exact", "search-other-field", "device-csv",
            "device-detail", "events-search", "events-csv", "ipsec-mesh-svg", "ipsec-star-svg", "ipsec-edge-colours",
            "operations-schedules", "archive-history", "backup-written", "backup-checked", "phone-layout",
            "refresh-accepted", "language-switch", "live-down-within-2s", "no-cookie-refused", "forged-csrf-refused", "missing-csrf-refused",
            "reconcile-accepted", "logged-out", "old-cookie-refused-after-logout", "read-only-no-buttons",
            "read-only-refused", "all-tenant-login",
        ]
        #expect(Set(checks.keys) == Set(expected), "every check ran: \(checks.keys.sorted())")
        await fleet.stopAll()

        // The sessions are in the tenant's event log with the tokens' names.
        let events = try runProcess(
            "/usr/bin/curl",
            ["-sf", "-H", "Authorization: Bearer \(tokens.alice)", "\(base)/api/v1/tenants/century/events?limit=5000"])
        let list = (try? JSONSerialization.jsonObject(with: Data(events.stdout.utf8)) as? [[String: Any]]) ?? []
        func has(_ type: String, _ user: String) -> Bool {
            list.contains { $0["type"] as? String == type && $0["user"] as? String == user }
        }
        #expect(has("user.login", "alice") && has("user.logout", "alice"))
        #expect(has("user.login", "viewer") && has("user.login", "ops") && has("user.logout", "ops"))
        // The page's actions with the token's name: the config pull, the backup, the fetch now.
        #expect(has("config.backup.succeeded", "alice") && has("tenant.backup.succeeded", "alice"))
        #expect(has("gitops.refresh.requested", "alice"))
    }
}

/// The browser script's stdout, split into lines as it arrives.
final class OutputLines: Sendable {
    private let state = Mutex<(lines: [String], partial: String)>(([], ""))

    func add(_ text: String) {
        state.withLock { state in
            state.partial += text
            while let newline = state.partial.firstIndex(of: "\n") {
                state.lines.append(String(state.partial[..<newline]))
                state.partial = String(state.partial[state.partial.index(after: newline)...])
            }
        }
    }

    var all: [String] { state.withLock { $0.lines } }
}
