import CMSAPI
import CMSDaemon
import CMSModel
import CMSReconcile
import Foundation
import TestSupport
import Testing

/// Two tenants in one `cmsd`: `mallory` commits the worst a tenant repository can hold (an alias bomb, a file
/// four times the size cap, secret references to another tenant's files and to the server's environment) while
/// `century`, the example tenant with its simulated fleet, is served. Mallory's revision fails its own lint and
/// its last good revision stays in force; century's status answers within a second throughout and a change
/// committed meanwhile converges.
@Suite(.serialized) struct HostileTenantTests {
    static let bomb: String = {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1..<10 {
            lines.append(
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n") + "\n? *a9\n: boom\n"
    }()

    @Test func aHostileTenantFailsItsOwnLintWhileTheOtherTenantAnswersAndConverges() async throws {
        let harness = try ReconcileHarness()
        defer { Task { await harness.stop() } }
        let repo = harness.folder.appendingPathComponent("mallory")
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        func git(_ arguments: [String]) throws -> String {
            let result = try runProcess(
                "/usr/bin/git", ["-c", "user.name=Mallory", "-c", "user.email=m@example.com"] + arguments, in: repo)
            guard result.status == 0 else { throw HarnessError("git \(arguments): \(result.stderr)") }
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func write(_ path: String, _ text: String) throws {
            let url = repo.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: false, encoding: .utf8)
        }
        try write("tenant.yaml", "apiVersion: cms/v1\nkind: Tenant\ncode: mallory\ntimeZone: UTC\n")
        _ = try git(["init", "-q", "-b", "main"])
        _ = try git(["add", "-A"])
        _ = try git(["commit", "-q", "-m", "good"])
        let good = try git(["rev-parse", "HEAD"])

        try await harness.start(extraTenants: [
            TenantConfiguration(
                code: "mallory", repository: .init(url: repo.path, branch: "main"), pollInterval: .seconds(3600),
                username: "admin")
        ])
        let first = try harness.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: first) })
        let mallory = try #require(harness.daemon.controller("mallory"))
        _ = await mallory.refresh()
        #expect(try await harness.daemon.tenantStatus("mallory").lastAppliedRevision == good)

        // The attack: one commit with the bomb, a 32 MiB file (cap 8 MiB) and out-of-namespace secret references.
        try write("devices/bomb.yaml", Self.bomb)
        try write("devices/huge.yaml", "# " + String(repeating: "0123456789abcdef", count: 2 << 20) + "\n")
        let century = harness.data + "/tenants/century/secrets/crp"
        try write(
            "tenant.yaml",
            "apiVersion: cms/v1\nkind: Tenant\ncode: mallory\ntimeZone: UTC\ncrpSecret: {file: \(century)}\n")
        try write(
            "mail.yaml",
            "apiVersion: cms/v1\nkind: Mail\nservers:\n  - {name: a, host: smtp.example.jp, port: 25, "
                + "from: cms@example.jp, auth: login, user: u, password: {env: CMS_CENTURY_CRP_SECRET}}\n")
        _ = try git(["add", "-A"])
        _ = try git(["commit", "-q", "-m", "attack"])
        let attack = try git(["rev-parse", "HEAD"])

        // While mallory's revision is fetched and linted, century's status answers and its change converges.
        let clock = ContinuousClock()
        let attackStart = clock.now
        async let outcome = mallory.refresh()
        try harness.writeBaseline("nxr02", mtu: 1400)
        let second = try harness.commit("nxr02: smaller MTU", author: "Bob")
        await harness.controller.refresh()
        var slowest: Duration = .zero
        var converged = false
        while clock.now - attackStart < .seconds(60) {
            let asked = clock.now
            let status = try await harness.daemon.tenantStatus(ReconcileHarness.tenant)
            slowest = max(slowest, clock.now - asked)
            #expect(status.tenant == ReconcileHarness.tenant)
            if await harness.converged(at: second) {
                converged = true
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let convergence = clock.now - attackStart
        let malloryOutcome = await outcome
        let lintTime = clock.now - attackStart
        #expect(slowest < .seconds(1), "century's status took \(slowest) during the attack")
        #expect(converged, "century converged at \(second.prefix(12)) in \(convergence) during the attack")
        #expect(try await harness.interfaceLeaf("nxr02", "ppp0", "mtu") == "1400")
        print("hostile tenant: century status slowest \(slowest), converged in \(convergence); mallory lint \(lintTime)")

        #expect(malloryOutcome.error == nil)
        let status = try await harness.daemon.tenantStatus("mallory")
        #expect(status.lastAttemptedRevision == attack)
        #expect(status.lastAppliedRevision == good, "the last good revision stays in force")
        #expect(status.condition.reason == "LintFailed")
        let rules = status.lintErrors.map { String($0.split(separator: "[").last?.dropLast() ?? "") }
        #expect(Set(rules) == ["yaml.limit", "input.limit", "secret.namespace"], "\(status.lintErrors)")
        #expect(status.lintErrors.contains { $0.hasPrefix("devices/huge.yaml:1:1:") && $0.contains("maxFileBytes") })
        #expect(status.lintErrors.contains { $0.hasPrefix("devices/bomb.yaml:") && $0.contains("maxExpandedNodes") })
        let lintFailed = try await harness.daemon.events.search(EventQuery(tenant: "mallory", limit: 1000))
            .filter { $0.type == .gitLintFailed && $0.revision == attack }
        #expect(lintFailed.count == 1)
        #expect(try await harness.daemon.tenantStatus(ReconcileHarness.tenant).condition.reason != "LintFailed")
        await harness.stop()
    }
}
