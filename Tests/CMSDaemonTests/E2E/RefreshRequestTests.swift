import CMSAPI
import CMSDaemon
import CMSModel
import Foundation
import Logging
import Testing

/// A user's "fetch now" (the API's `POST …/refresh`, the dashboard's button) is recorded with the user and what
/// came of it, also when nothing was new — the fetch's own events carry no user and a fetch with nothing new has none.
@Suite(.serialized, .tags(.peer)) struct RefreshRequestTests {
    @Test func aRefreshAskedByAUserIsRecordedWithTheUserAndTheOutcome() async throws {
        let harness = try ReconcileHarness()
        defer { try? FileManager.default.removeItem(at: harness.folder) }
        var logger = Logger(label: "e2e.refresh")
        logger.logLevel = .critical
        var configuration = harness.configuration()
        configuration.tenants[0].pollInterval = .seconds(3600)  // only the requests below fetch
        let daemon = try Daemon(configuration: configuration, logger: logger)
        try await daemon.start()
        let tenant = ReconcileHarness.tenant
        let head = try harness.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)

        let same = try await daemon.refresh(tenant, user: "alice")
        #expect(same.revision == head && !same.isNew)
        try harness.writeBaseline("nxr01", mtu: 1300)
        let next = try harness.commit("nxr01: MTU 1300")
        let fresh = try await daemon.refresh(tenant, user: "bob")
        #expect(fresh.revision == next && fresh.isNew)

        let recorded = try await daemon.events(EventQuery(tenant: tenant, order: .ascending, limit: 1000))
            .filter { $0.type == .gitRefreshRequested }
        #expect(recorded.map { $0.user ?? "-" } == ["alice", "bob"])
        #expect(recorded.map { $0.details["outcome"] ?? "-" } == ["nothing new", "new revision \(next.prefix(10))"])
        #expect(recorded.last?.revision == next)
        #expect(recorded.first?.message == "alice asked to fetch the repository now: nothing new")
        // An unknown tenant is the API's 404, nothing recorded.
        await #expect(throws: APIError.self) { _ = try await daemon.refresh("nobody", user: "alice") }
        await daemon.shutdown()
    }
}
