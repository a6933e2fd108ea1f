import CMSAPI
import CMSModel
import Foundation
import Testing

/// Issue 17's `cms status --watch` and `cms devices --watch`, and issue 11's `cms rollout status --watch`, against
/// the API test server: each redraws when the answer changes (one block per change when piped, no escape codes),
/// and not when it does not. No timing is asserted: the test waits for what it expects to appear.
@Suite struct WatchCLITests {
    static func options(_ server: TestServer) -> [String] { ["--server", server.base, "--token", Tokens.acme] }

    /// The blocks a piped watch printed: each starts with a line that starts with `first`.
    static func blocks(_ text: String, startingWith first: String) -> [String] {
        var blocks: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(first) { blocks.append("") }
            if !blocks.isEmpty { blocks[blocks.count - 1] += line + "\n" }
        }
        return blocks
    }

    @Test func statusWatchPrintsABlockForEachChangeAndNoneWithoutOne() async throws {
        try await TestServer.with { server in
            let watch = try WatchedProcess(["status", "--watch", "--interval", "0.2"] + Self.options(server))
            #expect(await watch.waitFor { field("status", in: $0)?.hasPrefix("reconciling") == true }, "\(watch.stderr)")
            await server.fake.show(.stalled)
            #expect(await watch.waitFor { $0.contains("stalled (Applying)") }, "redrawn on change: \(watch.stdout)")
            await server.fake.show(.ready)
            #expect(await watch.waitFor { $0.contains("ready (Applying)") }, "\(watch.stdout)")
            await watch.stop()
            let blocks = Self.blocks(watch.stdout, startingWith: "tenant ")
            // Every block is a change: three statuses, each printed once however many times cmsd was asked.
            #expect(blocks.count == 3, "\(watch.stdout)")
            #expect(blocks.map { field("status", in: $0)?.split(separator: " ").first } == ["reconciling", "stalled", "ready"])
            #expect(!watch.stdout.contains("\u{1B}["), "piped: no screen control")
        }
    }

    @Test func devicesWatchRedrawsWhenADeviceChanges() async throws {
        try await TestServer.with { server in
            let watch = try WatchedProcess(["devices", "--watch", "--interval", "0.2"] + Self.options(server))
            /// The words of the newest row of `code`.
            func row(_ text: String, _ code: String) -> [Substring] {
                text.split(separator: "\n").last { $0.hasPrefix(code + " ") }?.split(separator: " ") ?? []
            }
            #expect(await watch.waitFor { row($0, "osaka-02").contains("disconnected") }, "\(watch.stderr)")
            await server.fake.setState("osaka-02", state: .connected, sync: .ready)
            #expect(
                await watch.waitFor { row($0, "osaka-02").contains("connected") && row($0, "osaka-02").contains("ready") },
                "redrawn: \(watch.stdout)")
            await watch.stop()
            let blocks = Self.blocks(watch.stdout, startingWith: "CODE ")
            #expect(blocks.count == 2, "one block per change: \(watch.stdout)")
            #expect(blocks.last?.contains("connected 2 · disconnected 0") == true, "the counters follow: \(blocks)")
        }
    }

    @Test func rolloutWatchFollowsTheRolloutAndEndsWhenNoneIsActive() async throws {
        var fleet: FleetControlPlane?
        try await TestServer.with(controlPlane: { base in
            let made = FleetControlPlane(base)
            fleet = made
            return made
        }) { server in
            let fleet = try #require(fleet)
            let watch = try WatchedProcess(["rollout", "status", "--watch", "--interval", "0.2"] + Self.options(server))
            #expect(await watch.waitFor { $0.contains("rollout r-3") }, "\(watch.stderr)")
            var list = await fleet.rolloutList
            // The running rollout moves on: its second batch is done.
            var running = FleetControlPlane.running
            running.batches[1] = .init(
                index: 2, canary: false, devices: running.batches[1].devices, done: 4, failed: 0, inFlight: 0, pending: 0,
                skipped: 0)
            running.counts = ["done": 5, "skipped": 1]
            list.rollouts[2] = running
            await fleet.setRollouts(list)
            #expect(await watch.waitFor { $0.contains("progress 6/6") }, "redrawn: \(watch.stdout)")
            #expect(watch.exitStatus == nil, "a rollout is still stalled: the watch goes on")
            // Every rollout finished (the stalled one resumed and completed): the watch ends by itself with 0.
            var stalled = FleetControlPlane.stalled
            stalled.phase = "finished"
            stalled.reason = nil
            running.phase = "finished"
            list.rollouts[1] = stalled
            list.rollouts[2] = running
            await fleet.setRollouts(list)
            let status = await watch.waitForExit()
            #expect(status == 0, "\(watch.stdout)\n\(watch.stderr)")
            if status == nil { await watch.stop() }
            let progress = watch.stdout.split(separator: "\n").filter { $0.hasPrefix("progress ") }
            #expect(progress.contains("progress 3/6: done 2, in-flight 2, failed 0, pending 1, skipped 1"), "\(progress)")
            #expect(progress.last == "progress 6/6: done 5, in-flight 0, failed 0, pending 0, skipped 1", "\(progress)")
            #expect(!watch.stdout.contains("\u{1B}["), "piped: plain lines, no progress bar or screen control")
        }
    }
}
