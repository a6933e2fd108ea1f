import CMSAPI
import Foundation
import Testing

/// Issue 17's did-you-mean: every command that names a device or a group answers an unknown one with the closest
/// names the tenant has, whichever route refused it (the API's `device-not-found` / `group-not-found` answers).
@Suite struct DidYouMeanCLITests {
    static func options(_ server: TestServer) -> [String] { ["--server", server.base, "--token", Tokens.acme] }

    static let deviceCommands: [[String]] = [
        ["device", "show", "tokio-01"],
        ["reconcile", "tokio-01"],
        ["exec", "tokio-01", "show", "version"],
        ["syslog", "fetch", "tokio-01"],
        ["syslog", "list", "tokio-01"],
        ["syslog", "get", "tokio-01"],
        ["config", "log", "tokio-01"],
        ["config", "show", "tokio-01"],
        ["config", "diff", "tokio-01"],
        ["config", "pull", "tokio-01"],
        ["firmware", "update", "tokyo-01", "tokio-01", "nxr-g110-21.7.3"],
        ["events", "--device", "tokio-01"],
    ]

    static let groupCommands: [[String]] = [
        ["ipsec", "status", "本社-拠"],
        ["syslog", "fetch", "--group", "本社-拠"],
        ["firmware", "update", "--group", "本社-拠", "nxr-g110-21.7.3"],
        ["events", "--group", "本社-拠"],
    ]

    /// Commands whose routes the plain fake answers (diagnostics) run against it; the rest against the fleet.
    static func server(for command: [String]) -> Bool { ["exec", "syslog"].contains(command[0]) }

    @Test(arguments: DidYouMeanCLITests.deviceCommands)
    func anUnknownDeviceIsAnsweredWithTheClosestCode(_ command: [String]) async throws {
        try await TestServer.with(controlPlane: { Self.server(for: command) ? $0 as any ControlPlane : FleetControlPlane($0) }) { server in
            let result = try await CLI.run(command + Self.options(server))
            #expect(result.status == 2, "\(command): \(result.stdout)")
            #expect(result.stderr.contains("'tokio-01'"), "names what is unknown: \(result.stderr)")
            #expect(result.stderr.hasSuffix("\n  did you mean tokyo-01?\n"), "\(command): \(result.stderr)")
        }
    }

    @Test(arguments: DidYouMeanCLITests.groupCommands)
    func anUnknownGroupIsAnsweredWithTheClosestName(_ command: [String]) async throws {
        try await TestServer.with(controlPlane: { Self.server(for: command) ? $0 as any ControlPlane : FleetControlPlane($0) }) { server in
            let result = try await CLI.run(command + Self.options(server))
            #expect(result.status == 2, "\(command): \(result.stdout)")
            #expect(result.stderr.hasSuffix("\n  did you mean 本社-拠点?\n"), "\(command): \(result.stderr)")
        }
    }

    @Test func aNameNothingResemblesGetsNoSuggestion() async throws {
        try await TestServer.with(controlPlane: { FleetControlPlane($0) }) { server in
            let result = try await CLI.run(["reconcile", "zzzzzzzz"] + Self.options(server))
            #expect(result.status == 2)
            #expect(result.stderr == "error: no device 'zzzzzzzz'\n")
        }
    }
}
