import CMSAPI
import Foundation
import Testing

/// Issue 11's rollout commands as an operator sees them: `cms rollout status` (batches, devices done / in flight /
/// failed / pending / skipped, the next window; a progress bar on a terminal, plain lines otherwise), `cms rollout
/// resume` and `cms firmware update`, whole outputs compared with golden files.
@Suite struct RolloutCLITests {
    static func options(_ server: TestServer) -> [String] { ["--server", server.base, "--token", Tokens.acme] }
    static func fleet(_ base: FakeControlPlane) -> any ControlPlane { FleetControlPlane(base) }

    @Test func rolloutStatusShowsBatchesCountsFailuresAndTheNextWindow() async throws {
        try await TestServer.with(controlPlane: Self.fleet) { server in
            let result = try await CLI.run(["rollout", "status"] + Self.options(server))
            // A stalled rollout is a result to act on: exit 1, as `cms status` when stalled.
            #expect(result.status == 1, "\(result.stderr)")
            try Golden.check(result.stdout, "rollout-status.txt")
            let all = try await CLI.run(["rollout", "status", "--all"] + Self.options(server))
            try Golden.check(all.stdout, "rollout-status-all.txt")
            #expect(all.stdout.contains("rollout r-1"), "--all shows finished rollouts too")
            #expect(!result.stdout.contains("rollout r-1"), "a finished rollout that is not the newest is hidden")
        }
    }

    @Test func onATerminalRolloutStatusDrawsAProgressBar() async throws {
        try await TestServer.with(controlPlane: Self.fleet) { server in
            let terminal = try await OperatorCLITests.onTerminal(["rollout", "status"] + Self.options(server))
            // r-3: 6 devices, 3 finished (2 done, 1 skipped) → half of the 30-cell bar.
            let bar = "[" + String(repeating: "#", count: 15) + String(repeating: "-", count: 15) + "] 3/6  "
                + "done 2, in-flight 2, failed 0, pending 1, skipped 1"
            #expect(terminal.contains(bar), "\(terminal)")
            #expect(!terminal.contains("progress 3/6"), "the plain line is for pipes")
        }
    }

    @Test func rolloutResumePrintsTheResumedRolloutAndRefusesAnUnknownId() async throws {
        try await TestServer.with(controlPlane: Self.fleet) { server in
            let result = try await CLI.run(["rollout", "resume", "r-2"] + Self.options(server))
            #expect(result.status == 0, "\(result.stderr)")
            try Golden.check(result.stdout, "rollout-resume.txt")
            let unknown = try await CLI.run(["rollout", "resume", "r-9"] + Self.options(server))
            #expect(unknown.status == 2)
            #expect(unknown.stderr == "error: no rollout 'r-9'\n")
            #expect(unknown.stdout.isEmpty)
        }
    }

    @Test func firmwareUpdateStartsAOneOffRolloutRecordedWithTheAPIUser() async throws {
        try await TestServer.with(controlPlane: Self.fleet) { server in
            let result = try await CLI.run(
                ["firmware", "update", "tokyo-01", "osaka-02", "nxr-g110-21.7.3"] + Self.options(server))
            #expect(result.status == 0, "\(result.stderr)")
            try Golden.check(result.stdout, "firmware-update.txt")
            let json = try await CLI.run(
                ["firmware", "update", "--group", "本社-拠点", "nxr-g110-21.7.3", "--mode", "background", "-o", "json"]
                    + Self.options(server))
            #expect(json.status == 0, "\(json.stderr)")
            try Golden.check(json.stdout, "firmware-update-group.json")
            let status = try JSONDecoder().decode(RolloutStatus.self, from: Data(json.stdout.utf8))
            #expect(status.user == "acme-ci", "recorded with the API user (the token's name)")
            #expect(status.mode == "background")
            let badMode = try await CLI.run(["firmware", "update", "tokyo-01", "img", "--mode", "fast"] + Self.options(server))
            #expect(badMode.status == 2)
            #expect(badMode.stderr.contains("--mode must be normal, background or no-reboot"), "\(badMode.stderr)")
        }
    }
}
