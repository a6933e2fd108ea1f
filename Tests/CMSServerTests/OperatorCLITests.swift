import CMSAPI
import CMSModel
import Foundation
import Testing

/// Issue 17, "Status and events that tell the truth": the built `cms` (and its sibling binaries) as an operator and
/// a script meet them — exit statuses, time zones, output formats, colour, help, did-you-mean, completions.
@Suite struct OperatorCLITests {
    static func options(_ server: TestServer) -> [String] { ["--server", server.base, "--token", Tokens.acme] }

    /// A binary beside `cms` (same build folder).
    static func sibling(_ name: String) -> String {
        URL(fileURLWithPath: CLI.executable).deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// `cms` with no COLUMNS and stdout to a file: what a pipe gets.
    static func piped(_ arguments: [String], environment: [String: String] = [:]) async throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        var env = ["PATH": "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path]
        env.merge(environment) { $1 }
        return try await runProcessCapturing(CLI.executable, arguments, environment: env)
    }

    /// `cms` on a pseudo-terminal (util-linux `script`), its output as the terminal showed it.
    static func onTerminal(_ arguments: [String], environment: [String: String] = [:]) async throws -> String {
        let quoted = ([CLI.executable] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        var env = ["PATH": "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path, "TERM": "xterm"]
        env.merge(environment) { $1 }
        let result = try await runProcessCapturing(
            "/usr/bin/script", ["-qec", quoted.joined(separator: " "), "/dev/null"], environment: env)
        return result.stdout
    }

    // MARK: exit status

    @Test func statusExitStatusSaysReadyStalledOrNotSettled() async throws {
        try await TestServer.with { server in
            for (status, expected) in [(SyncStatus.ready, Int32(0)), (.stalled, 1), (.reconciling, 3)] {
                await server.fake.show(status)
                let result = try await CLI.run(["status"] + Self.options(server))
                #expect(result.status == expected, "\(status): \(result.stderr)")
                #expect(field("status", in: result.stdout)?.hasPrefix(status.rawValue) == true)
            }
        }
    }

    @Test func usageErrorsExitWithTwoInEveryBinary() async throws {
        for binary in ["cms", "cms-lint", "cmsd", "nxr-sim"] {
            let result = try await runProcessCapturing(Self.sibling(binary), ["--no-such-option"])
            #expect(result.status == 2, "\(binary): \(result.stderr)")
            #expect(result.stderr.contains("--no-such-option"), "\(binary) names the bad option")
        }
    }

    @Test func everyBinaryAnswersVersionWithTheSameVersion() async throws {
        var versions: Set<String> = []
        for binary in ["cms", "cms-lint", "cmsd", "nxr-sim"] {
            let result = try await runProcessCapturing(Self.sibling(binary), ["--version"])
            #expect(result.status == 0, "\(binary): \(result.stderr)")
            let version = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(version.split(separator: ".").count == 3, "\(binary) --version: '\(version)'")
            versions.insert(version)
        }
        #expect(versions.count == 1, "one version for every binary: \(versions)")
    }

    // MARK: time zones

    @Test func statusAndEventsShowTheTenantsTimeZoneAndUTCOnRequest() async throws {
        try await TestServer.with { server in
            await server.fake.show(.ready, timeZone: "Asia/Tokyo")
            let status = try await CLI.run(["status"] + Self.options(server))
            // FakeControlPlane.since is 2026-11-27 01:02:03 UTC: 10:02:03 in Tokyo.
            #expect(field("status", in: status.stdout) == "ready (Applying) since 2026-11-27 10:02:03 Asia/Tokyo")
            let utc = try await CLI.run(["status", "--utc"] + Self.options(server))
            #expect(field("status", in: utc.stdout) == "ready (Applying) since 2026-11-27 01:02:03 UTC")

            let events = try await CLI.run(["events", "--oldest"] + Self.options(server))
            let lines = events.stdout.split(separator: "\n")
            #expect(lines.first?.hasPrefix("TIME (Asia/Tokyo)") == true, "\(events.stdout)")
            #expect(lines[1].hasPrefix("2026-11-27 10:02:03"))
            let eventsUTC = try await CLI.run(["events", "--oldest", "--utc"] + Self.options(server))
            #expect(eventsUTC.stdout.split(separator: "\n")[1].hasPrefix("2026-11-27 01:02:03"))
        }
    }

    // MARK: events table

    @Test func eventsShowUserAndTypeAndAPipeGetsWholeMessages() async throws {
        try await TestServer.with { server in
            let long = "applied revision abc123 to tokyo-01: " + String(repeating: "interface ge0 mtu 1454; ", count: 8)
            await server.fake.addEvent(
                Event(
                    id: 9, time: FakeControlPlane.since + .seconds(400), tenant: "acme", type: .gitApplySucceeded,
                    device: "tokyo-01", user: "alice", revision: "abc123", message: long))
            let result = try await Self.piped(["events"] + Self.options(server))
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            let header = try #require(lines.first)
            for column in ["TIME (UTC)", "SEVERITY", "TYPE", "USER", "DEVICE", "MESSAGE"] {
                #expect(header.contains(column), "\(column) in \(header)")
            }
            let row = try #require(lines.first { $0.contains("alice") && $0.contains("applied revision abc123") }, "\(lines)")
            #expect(row.hasSuffix(long.trimmingCharacters(in: .whitespaces)), "the whole message when piped: \(row)")
            #expect(!result.stdout.contains("…"))

            // On an 80-column terminal the message is fitted instead.
            let narrow = try await CLI.run(["events"] + Self.options(server))
            #expect(narrow.stdout.split(separator: "\n").allSatisfy { cells($0) <= 80 })
        }
    }

    // MARK: -o/--output

    @Test func everyListingTakesTheSameOutputChoices() async throws {
        try await TestServer.with { server in
            for command in [["devices"], ["events"]] {
                let yaml = try await CLI.run(command + ["-o", "yaml"] + Self.options(server))
                #expect(yaml.status == 0, "\(command) -o yaml: \(yaml.stderr)")
                #expect(yaml.stdout.contains("code: tokyo-01") || yaml.stdout.contains("device: tokyo-01"))
                let json = try await CLI.run(command + ["--output", "json"] + Self.options(server))
                #expect(json.status == 0)
                #expect(json.stdout.hasPrefix("{") || json.stdout.hasPrefix("["))
                let older = try await CLI.run(command + ["--format", "json"] + Self.options(server))
                #expect(older.stdout == json.stdout, "--format stays as the older spelling")
                let csv = try await CLI.run(command + ["-o", "csv"] + Self.options(server))
                #expect(csv.stdout.contains("\r\n"), "\(command) -o csv is RFC 4180")
                let wide = try await CLI.run(command + ["-o", "wide"] + Self.options(server))
                #expect(wide.status == 0)
                #expect(!wide.stdout.contains("…"), "wide cuts nothing")
                let bad = try await CLI.run(command + ["-o", "xml"] + Self.options(server))
                #expect(bad.status == 2)
            }
            let wide = try await CLI.run(["devices", "-o", "wide"] + Self.options(server))
            for column in ["ADDRESS", "FIRMWARE", "SERIAL", "GROUPS", "NOTE"] { #expect(wide.stdout.contains(column)) }
            #expect(wide.stdout.contains("2F rack"))
        }
    }

    // MARK: colour

    @Test func colourOnlyOnATerminalAndNeverWithNoColor() async throws {
        try await TestServer.with { server in
            await server.fake.show(.stalled)
            let terminal = try await Self.onTerminal(["status"] + Self.options(server))
            #expect(terminal.contains("\u{1B}[31mstalled\u{1B}[0m"), "red on a terminal: \(terminal.debugDescription)")
            let noColour = try await Self.onTerminal(["status"] + Self.options(server), environment: ["NO_COLOR": "1"])
            #expect(noColour.contains("stalled") && !noColour.contains("\u{1B}["), "\(noColour.debugDescription)")
            let piped = try await Self.piped(["status"] + Self.options(server))
            #expect(piped.stdout.contains("stalled") && !piped.stdout.contains("\u{1B}["))
        }
    }

    // MARK: help

    /// Every command of `cms`, walked through the SUBCOMMANDS sections of the help texts.
    static func commandPaths() async throws -> [[String]] {
        var paths: [[String]] = []
        var queue: [[String]] = [[]]
        while let path = queue.first {
            queue.removeFirst()
            paths.append(path)
            let help = try await runProcessCapturing(CLI.executable, path + ["--help"]).stdout
            guard let section = help.components(separatedBy: "SUBCOMMANDS:").dropFirst().first else { continue }
            for line in section.split(separator: "\n") {
                guard line.hasPrefix("  "), !line.hasPrefix("   ") else {
                    if !line.hasPrefix(" ") { break }
                    continue
                }
                let name = String(line.split(separator: " ").first ?? "")
                guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name != "help" else { continue }
                queue.append(path + [name])
            }
        }
        return paths
    }

    @Test func everyHelpHasExamples() async throws {
        let paths = try await Self.commandPaths()
        #expect(paths.count > 40, "the whole tree: \(paths)")
        for path in paths {
            let result = try await runProcessCapturing(CLI.executable, path + ["--help"])
            #expect(result.status == 0)
            let examples = result.stdout.components(separatedBy: "EXAMPLES:")
            #expect(examples.count == 2, "cms \(path.joined(separator: " ")) --help has one EXAMPLES section")
            if examples.count == 2 {
                let first = examples[1].split(separator: "\n").first.map(String.init) ?? ""
                #expect(
                    first.trimmingCharacters(in: .whitespaces).hasPrefix("cms") || first.contains("cms "),
                    "cms \(path.joined(separator: " ")): an example is a cms command line: \(first)")
            }
        }
    }

    @Test func shellCompletionsAreGenerated() async throws {
        for shell in ["bash", "zsh", "fish"] {
            let result = try await runProcessCapturing(CLI.executable, ["--generate-completion-script", shell])
            #expect(result.status == 0, "\(shell): \(result.stderr)")
            #expect(result.stdout.contains("devices") && result.stdout.contains("status"), "\(shell) completes commands")
        }
    }

    // MARK: did you mean

    @Test func aMisspeltDeviceOrGroupGetsTheClosestNames() async throws {
        try await TestServer.with { server in
            let device = try await CLI.run(["device", "show", "tokyo-1"] + Self.options(server))
            #expect(device.status == 2)
            #expect(device.stderr.contains("did you mean tokyo-01?"), "\(device.stderr)")
            let events = try await CLI.run(["events", "--device", "osaka02"] + Self.options(server))
            #expect(events.status == 2)
            #expect(events.stderr.contains("no device 'osaka02'") && events.stderr.contains("did you mean osaka-02?"))
            let far = try await CLI.run(["device", "show", "nope"] + Self.options(server))
            #expect(!far.stderr.contains("did you mean"), "nothing close, no guess")
        }
    }

    // MARK: --wait

    @Test func refreshWaitExitsOnTheOutcomeOfTheFetchedRevision() async throws {
        try await TestServer.with { server in
            // The fake's refresh fetches tip999; its status says whether tip999 is in force.
            await server.fake.show(.ready, applied: "tip999")
            let applied = try await CLI.run(["refresh", "--wait", "--wait-timeout", "20s"] + Self.options(server))
            #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
            #expect(applied.stdout.contains("revision tip999 applied"))

            await server.fake.show(.stalled, applied: "tip999")
            let stalled = try await CLI.run(["refresh", "--wait"] + Self.options(server))
            #expect(stalled.status == 1)
            #expect(stalled.stdout.contains("stalled"))

            await server.fake.show(.reconciling, applied: "abc123")
            let started = ContinuousClock.now
            let late = try await CLI.run(
                ["refresh", "--wait", "--wait-timeout", "2s", "--poll", "0.2"] + Self.options(server))
            #expect(late.status == 3, "not applied in time: \(late.stdout)")
            #expect(late.stdout.contains("not applied within 2s"))
            #expect(ContinuousClock.now - started < .seconds(20))

            let bad = try await CLI.run(["refresh", "--wait", "--wait-timeout", "soon"] + Self.options(server))
            #expect(bad.status == 2)
        }
    }

    @Test func reconcileWaitGivesUpAtItsTimeoutWithStatusThree() async throws {
        try await TestServer.with { server in
            // The fake's devices never finish a new run.
            let result = try await CLI.run(
                ["reconcile", "tokyo-01", "--wait", "--wait-timeout", "1s", "--poll", "0.2"] + Self.options(server))
            #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("1 of 1 device(s) not finished within 1s: tokyo-01"))
        }
    }

    /// cms-lint's `config.missing-file` hint names `cms config pull CODE --format TYPE --out PATH`: the command and its
    /// options exist (the invocation gets as far as trying to reach cmsd).
    @Test func theConfigPullOfTheLintHintIsARealCommandLine() async throws {
        let result = try await CLI.run(
            ["config", "pull", "ochanomizu", "--format", "xml", "--out", "/tmp/cms-hint-\(UUID().uuidString).xml",
             "--server", "http://127.0.0.1:1", "--token", "t"])
        #expect(result.stderr.contains("cannot reach cmsd"), "\(result.stderr)")
    }
}
