import CMSDaemon
import CMSModel
import CMSReconcile
import Foundation
import Testing

/// Suspending, resuming and deleting a device in git: each is recorded once, with the commit and its author
/// (issue 10: they were recorded twice, by the device agent and by the tenant controller).
@Suite(.serialized) struct LifecycleEventTests {
    @Test func suspendResumeAndDeleteAreEachRecordedOnceWithTheirCommit() async throws {
        let harness = try ReconcileHarness()
        try await harness.start(drift: .seconds(3600))
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: try FaultTests.head(harness)) })
        let yaml = "devices/ichigaya.yaml"
        let original = try String(contentsOf: harness.repo.appendingPathComponent(yaml), encoding: .utf8)

        try harness.write(yaml, original + "suspended: true\n")
        let suspended = try harness.commit("suspend ichigaya", author: "Carol")
        await harness.controller.refresh()
        try harness.write(yaml, original)
        let resumed = try harness.commit("resume ichigaya", author: "Dave")
        await harness.controller.refresh()
        try FileManager.default.removeItem(at: harness.repo.appendingPathComponent(yaml))
        let groups = harness.repo.appendingPathComponent("groups/plain.yaml")
        let members = try String(contentsOf: groups, encoding: .utf8)
        try members.replacingOccurrences(of: "  - device: ichigaya\n", with: "").write(
            to: groups, atomically: true, encoding: .utf8)
        let deleted = try harness.commit("retire ichigaya", author: "Erin")
        await harness.controller.refresh()

        for (type, revision, user) in [
            (EventType.deviceSuspended, suspended, "Carol <carol@example.com>"),
            (.deviceResumed, resumed, "Dave <dave@example.com>"),
            (.deviceDeleted, deleted, "Erin <erin@example.com>"),
        ] {
            let events = try await harness.events(type).filter { $0.device == "ichigaya" }
            #expect(events.count == 1, "\(type.rawValue) recorded \(events.count) times")
            #expect(events.first?.revision == revision && events.first?.user == user, "\(type.rawValue)")
        }
        await harness.stop()
    }
}
