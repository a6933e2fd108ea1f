import CMSAPI
import CMSModel
import Foundation
import Testing

/// Issue 17's one output choice: every listing command of `cms` takes `-o table|wide|json|yaml|csv` (and `--format`,
/// the older spelling), each whole output compared with a golden file (`CMS_UPDATE_GOLDEN=1` rewrites them).
@Suite struct ListingCLITests {
    static func options(_ server: TestServer) -> [String] { ["--server", server.base, "--token", Tokens.acme] }

    /// A listing command, the golden files' stem, and whether it needs the fleet's parts (firmware, archive,
    /// schedules) beside the plain fake.
    static let listings: [(command: [String], golden: String, fleet: Bool)] = [
        (["devices"], "devices", false),
        (["events", "--oldest"], "events", false),
        (["mail", "queue"], "mail-queue", false),
        (["syslog", "list", "tokyo-01"], "syslog-list", false),
        (["firmware", "list"], "firmware-list", true),
        (["rollout", "status"], "rollout-status", true),
        (["schedules"], "schedules", true),
        (["config", "log", "tokyo-01"], "config-log", true),
    ]

    /// The choices of `-o` (the CLI's `ListOutput`, spelled here as a user types them).
    static let outputs = ["table", "wide", "json", "yaml", "csv"]

    static func golden(_ stem: String, _ output: String) -> String {
        switch output {
        case "table": "\(stem).txt"
        case "wide": "\(stem).wide.txt"
        default: "\(stem).\(output)"
        }
    }

    @Test(arguments: ListingCLITests.listings.map(\.golden))
    func everyListingPrintsEveryFormatAsItsGoldenFile(_ stem: String) async throws {
        let listing = try #require(Self.listings.first { $0.golden == stem })
        try await TestServer.with(controlPlane: { listing.fleet ? FleetControlPlane($0) : $0 as any ControlPlane }) { server in
            for output in Self.outputs {
                let result = try await CLI.run(listing.command + ["-o", output] + Self.options(server))
                // `rollout status` exits 1 while a rollout is stalled (the fleet has one), like `cms status`.
                let expected: Int32 = listing.golden == "rollout-status" ? 1 : 0
                #expect(result.status == expected, "\(listing.command) -o \(output): \(result.stderr)")
                try Golden.check(result.stdout, Self.golden(stem, output))
                switch output {
                case "csv":
                    #expect(result.stdout.hasSuffix("\r\n") && !result.stdout.contains("\r\n\n"), "RFC 4180 lines")
                case "json":
                    #expect((try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) != nil, "valid JSON")
                case "wide":
                    #expect(!result.stdout.contains("…"), "wide cuts nothing: \(listing.command)")
                case "table":
                    #expect(!result.stdout.contains("\u{1B}["), "piped: no colour")
                default: break
                }
            }
            let older = try await CLI.run(listing.command + ["--format", "json"] + Self.options(server))
            let json = try await CLI.run(listing.command + ["--output", "json"] + Self.options(server))
            #expect(older.stdout == json.stdout, "--format stays the older spelling of -o")
            let bad = try await CLI.run(listing.command + ["-o", "xml"] + Self.options(server))
            #expect(bad.status == 2, "a format no listing has is a usage error")
            #expect(bad.stderr.contains("xml"))
        }
    }

    @Test func aSuspendedDeviceIsItsOwnSyncStatusInTheListAndTheCounts() async throws {
        try await TestServer.with { server in
            let suspended = try await CLI.run(["devices", "--sync", "suspended", "-o", "csv"] + Self.options(server))
            #expect(suspended.status == 0, "\(suspended.stderr)")
            let rows = suspended.stdout.split(separator: "\r\n").dropFirst()
            #expect(rows.count == 1 && rows.first?.hasPrefix("fukuoka-04,") == true, "\(suspended.stdout)")
            #expect(rows.first?.contains(",suspended,suspended") == true, "state and sync: \(suspended.stdout)")
            let stalled = try await CLI.run(["devices", "--sync", "stalled", "-o", "json"] + Self.options(server))
            let page = try JSONDecoder().decode(DevicePage.self, from: Data(stalled.stdout.utf8))
            #expect(page.devices.map(\.code) == ["nagoya-03"], "a suspended device is not stalled")
            let status = try await CLI.run(["status"] + Self.options(server))
            #expect(field("sync", in: status.stdout) == "ready 1 · reconciling 1 · stalled 1 · suspended 1")
        }
    }
}
