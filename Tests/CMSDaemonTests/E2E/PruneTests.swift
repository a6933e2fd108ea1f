import CMSAPI
import CMSDaemon
import CMSModel
import Foundation
import Testing

/// Devices that disappear from git: safe prune refuses a large deletion unless the commit allows it; an allowed
/// deletion closes the sessions and drops the records.
@Suite(.serialized, .tags(.peer)) struct PruneTests {
    static let star = ["star_backup", "star_center", "star_nxr01", "star_nxr02", "star_nxr03", "star_nxr04"]

    @Test func aLargeDeletionIsRefusedUntilTheCommitAllowsItThenTheDevicesAreDropped() async throws {
        let harness = try ReconcileHarness()
        try await harness.start()
        let first = try FaultTests.head(harness)
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: first) })
        #expect(await eventuallyTrue(timeout: .seconds(60)) {
            try await harness.summaries().filter { Self.star.contains($0.code) && $0.state == .connected }.count == 6
        })
        let files = FileManager.default
        for code in Self.star { try files.removeItem(at: harness.repo.appendingPathComponent("devices/\(code).yaml")) }
        try files.removeItem(at: harness.repo.appendingPathComponent("groups/ipsec-star.yaml"))
        for folder in ["configs/star_center", "configs/star_backup"] {
            try? files.removeItem(at: harness.repo.appendingPathComponent(folder))
        }
        for group in ["groups/monitor.yaml", "groups/plain.yaml"] {
            let url = harness.repo.appendingPathComponent(group)
            let text = try String(contentsOf: url, encoding: .utf8)
            let kept = text.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.contains("device: star_") }
            try kept.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        }
        let refused = try harness.commit("drop the star sites")
        #expect(await eventuallyTrue { try await !harness.events(.gitPruneRefused).filter { $0.revision == refused }.isEmpty })
        let status = try await harness.daemon.tenantStatus(ReconcileHarness.tenant)
        #expect(status.lintErrors.isEmpty, "the revision itself is clean: \(status.lintErrors)")
        #expect(status.condition.reason == "PruneRefused")
        #expect(status.lastAppliedRevision == first)
        #expect(try await harness.summaries().filter { Self.star.contains($0.code) }.count == 6)

        let allowed = try harness.commit("drop the star sites\n\nAllow-Prune: yes")
        #expect(await eventuallyTrue {
            try await harness.events(.deviceDeleted).filter { $0.revision == allowed }.count == 6
        })
        #expect(try await harness.summaries().filter { Self.star.contains($0.code) }.isEmpty)
        #expect(try await harness.daemon.tenantStatus(ReconcileHarness.tenant).lastAppliedRevision == allowed)
        #expect(try await harness.state.devices(tenant: ReconcileHarness.tenant).filter { Self.star.contains($0.code) }
            .isEmpty)
        let sim = try #require(harness.fleet.device("star_center"))
        #expect(await eventuallyTrue { try await sim.snapshot().get().sessions.isEmpty }, "the session is closed")
        #expect(await eventuallyTrue { await harness.converged(at: allowed) })
        await harness.stop()
    }
}
