import CMSAPI
import CMSDaemon
import Foundation
import Logging
import Testing

/// `cms plan --rev` against a real git repository (issue 17): a branch or a commit the daemon's mirror has never
/// fetched is fetched on demand — what a CI job on a merge request asks for before merging.
@Suite(.serialized, .tags(.peer)) struct PlanRevisionE2ETests {
    @Test func aBranchOrCommitNotFetchedYetIsFetchedOnDemand() async throws {
        let harness = try ReconcileHarness()
        var logger = Logger(label: "e2e.plan")
        logger.logLevel = .critical
        let daemon = try Daemon(configuration: harness.configuration(), logger: logger)
        try await daemon.start()
        defer { try? FileManager.default.removeItem(at: harness.folder) }
        let main = try harness.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        // The daemon's mirror has main; the branch below is pushed afterwards.
        #expect((try? await daemon.plan(ReconcileHarness.tenant, revision: main, native: false))?.revision == main)

        _ = try harness.git(["checkout", "-q", "-b", "feature/mtu"])
        try harness.writeBaseline("nxr01", mtu: 1300)
        let branchCommit = try harness.commit("nxr01: MTU 1300")
        _ = try harness.git(["checkout", "-q", "main"])

        let byBranch = try await daemon.plan(ReconcileHarness.tenant, revision: "feature/mtu", native: false)
        #expect(byBranch.revision == branchCommit, "the branch name resolves to its tip, fetched on demand")
        #expect(byBranch.devices.map(\.device).contains("nxr01"))

        _ = try harness.git(["checkout", "-q", "-b", "feature/two"])
        try harness.writeBaseline("nxr02", mtu: 1320)
        let second = try harness.commit("nxr02: MTU 1320")
        _ = try harness.git(["checkout", "-q", "main"])
        let bySha = try await daemon.plan(ReconcileHarness.tenant, revision: String(second.prefix(12)), native: false)
        #expect(bySha.revision == second, "an abbreviated commit id not fetched yet")

        await #expect(throws: APIError.self) {
            _ = try await daemon.plan(ReconcileHarness.tenant, revision: "no-such-branch", native: false)
        }
        do {
            _ = try await daemon.plan(ReconcileHarness.tenant, revision: "no-such-branch", native: false)
        } catch {
            #expect(error.status == 404 && error.message.contains("even after fetching"), "\(error.message)")
        }
        await daemon.shutdown()
    }
}
