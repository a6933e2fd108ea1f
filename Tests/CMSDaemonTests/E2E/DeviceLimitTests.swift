import CMSAPI
import CMSDaemon
import CMSModel
import Foundation
import Testing

/// `limits.maxDevices`: the server manages at most that many devices; the rest are named in an event and never
/// contacted.
@Suite(.serialized, .tags(.peer)) struct DeviceLimitTests {
    @Test func devicesOverTheServerLimitAreReportedAndNeverContacted() async throws {
        let harness = try ReconcileHarness()
        defer { Task { await harness.stop() } }
        try await harness.start(maxDevices: 10)  // the example tenant declares 16 devices
        let reported = await eventuallyTrue(timeout: .seconds(30)) {
            try await !harness.events(.gitDeviceLimitExceeded).isEmpty
        }
        #expect(reported)
        let event = try #require(try await harness.events(.gitDeviceLimitExceeded).first)
        #expect(event.details["count"] == "6")
        #expect(event.details["limit"] == "10")
        let refused = (event.details["devices"] ?? "").split(separator: ",").map(String.init)
        #expect(refused.count == 6)
        // Admitted in code order: the six last codes are refused.
        #expect(refused == ["star_center", "star_nxr01", "star_nxr02", "star_nxr03", "star_nxr04", "suidobashi"])
        try await Task.sleep(for: .seconds(2))
        for code in refused {
            let snapshot = try await #require(harness.fleet.device(code)).snapshot().get()
            #expect(snapshot.sessionsOpened == 0, "\(code) is over the limit and must not be contacted")
        }
    }
}
