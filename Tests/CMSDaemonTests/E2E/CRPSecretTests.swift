import CMSAPI
import CMSDaemon
import CMSModel
import Foundation
import Testing

/// The example tenant declares a CRP secret (`crpSecret: {env: CMS_CRP_SECRET_CENTURY}`): announcements that are
/// unsigned or signed with another secret must never make `cmsd` contact anything (docs/crp.md §3).
@Suite(.serialized, .tags(.peer)) struct CRPSecretTests {
    @Test func unsignedAndWronglySignedAnnouncementsAreRefusedWhileSignedOnesConnect() async throws {
        let harness = try ReconcileHarness()
        defer { Task { await harness.stop() } }
        try await harness.start { code in
            switch code {
            case "nxr02": nil  // unsigned
            case "nxr03": Array("not-the-tenant-secret".utf8)
            default: ReconcileHarness.crpSecret
            }
        }
        let connected: @Sendable (String) async -> Bool = { code in
            (try? await harness.daemon.device(ReconcileHarness.tenant, code: code).summary.state) == .connected
        }
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await connected("nxr01") })
        // Give the refused ones every chance: several keepalives' worth of time after nxr01 is up.
        try await Task.sleep(for: .seconds(2))
        for code in ["nxr02", "nxr03"] {
            let detail = try await harness.daemon.device(ReconcileHarness.tenant, code: code)
            #expect(detail.summary.state == .awaitingAddress, "\(code) must not be contacted")
            let snapshot = try await #require(harness.fleet.device(code)).snapshot().get()
            #expect(snapshot.sessionsOpened == 0, "\(code) got no SSH session")
        }
        let counters = try #require(await harness.daemon.crp.listenerCounters)
        #expect(counters.totalDropped >= 2, "the listener dropped the unsigned and the badly signed announcements")
    }
}
