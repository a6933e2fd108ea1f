import CMSAPI
import CMSModel
import Foundation
import Testing

/// The `cms` API commands, run as the built executable against a real server over loopback.
@Suite struct CLITests {
    /// `--server URL --token TOKEN` for a test server.
    static func options(_ server: TestServer, token: String = Tokens.acme) -> [String] {
        ["--server", server.base, "--token", token]
    }

    // MARK: status

    @Test func statusPrintsTheConditionRevisionsLintErrorsAndCounters() async throws {
        try await TestServer.with { server in
            let file = try CLI.tokenFile(Tokens.acme)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let result = try await CLI.run(["status", "--server", server.base, "--token-file", file])
            #expect(result.status == 3, "reconciling: not settled yet (docs/cli.md) \(result.stderr)")
            #expect(field("tenant", in: result.stdout) == "acme")
            #expect(field("status", in: result.stdout) == "reconciling (Applying) since 2026-11-27 01:02:03 UTC")
            #expect(field("attempted", in: result.stdout) == "def456")
            #expect(
                field("devices", in: result.stdout) == "connected 1 · disconnected 1 · awaiting address 1 · suspended 1"
            )
            #expect(result.stdout.contains("  devices/tokyo-01.yaml:3:7: unknown key 'nmae'"))
        }
    }

    @Test func statusJSONIsTheDTOAndServerTokenAndTenantComeFromTheEnvironment() async throws {
        try await TestServer.with { server in
            let result = try await CLI.run(
                ["status", "--format", "json"],
                environment: ["CMS_SERVER": server.base, "CMS_TOKEN": Tokens.ops, "CMS_TENANT": "globex"])
            #expect(result.status == 3, "reconciling: not settled yet \(result.stderr)")
            let status = try JSONDecoder().decode(TenantStatus.self, from: Data(result.stdout.utf8))
            #expect(status.tenant == "globex")
            #expect(status.counts.connected == 1)
        }
    }

    @Test func aTokenGrantingSeveralTenantsNeedsTenant() async throws {
        try await TestServer.with { server in
            let result = try await CLI.run(["status"] + Self.options(server, token: Tokens.ops))
            #expect(result.status == 2)
            #expect(result.stderr.contains("several tenants (acme, globex); give --tenant CODE"))
            let chosen = try await CLI.run(["status", "--tenant", "globex"] + Self.options(server, token: Tokens.ops))
            #expect(chosen.status == 3, "reconciling: not settled yet")
            #expect(field("tenant", in: chosen.stdout) == "globex")
        }
    }

    // MARK: devices

    @Test func devicesTableFitsEightyColumnsAlignsJapaneseNamesAndEndsWithCounters() async throws {
        try await TestServer.with { server in
            let result = try await CLI.run(["devices"] + Self.options(server))
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.allSatisfy { cells($0) <= 80 })
            let header = try #require(lines.first)
            let stateColumn = cells(header[..<header.range(of: "STATE")!.lowerBound])
            for (code, state) in [
                ("tokyo-01", "connected"), ("osaka-02", "disconnected"), ("nagoya-03", "awaiting-address"),
                ("fukuoka-04", "suspended"),
            ] {
                let row = try #require(lines.first { $0.hasPrefix(code + " ") })
                let start = try #require(row.range(of: " " + state + " "))
                #expect(cells(row[..<start.lowerBound]) + 1 == stateColumn, "\(row)")
            }
            #expect(result.stdout.contains("東京本社ルータ"))
            #expect(!header.contains("ADDRESS"), "the address column gives way to full names at 80 columns")
            #expect(result.stdout.contains("4 of 4 devices · page 1/1"))
            #expect(result.stdout.hasSuffix("connected 1 · disconnected 1 · awaiting address 1 · suspended 1\n"))
        }
    }

    @Test func aNarrowTerminalShortensNamesAndAWideOneShowsAddresses() async throws {
        try await TestServer.with { server in
            let result = try await CLI.run(["devices"] + Self.options(server), environment: ["COLUMNS": "64"])
            #expect(result.status == 0)
            let table = result.stdout.split(separator: "\n").prefix(5)
            #expect(table.allSatisfy { cells($0) <= 64 }, "\(result.stdout)")
            #expect(result.stdout.contains("東京本社ル…"))
            #expect(!result.stdout.contains("東京本社ルータ"))
            let wide = try await CLI.run(["devices"] + Self.options(server), environment: ["COLUMNS": "120"])
            #expect(wide.stdout.split(separator: "\n").first?.hasSuffix("ADDRESS") == true)
            #expect(wide.stdout.contains("198.51.100.1:830"))
        }
    }

    @Test func devicesFiltersAndSearchReachTheServer() async throws {
        try await TestServer.with { server in
            let filtered = try await CLI.run(
                ["devices", "--state", "connected", "--state", "disconnected", "--sync", "reconciling"]
                    + Self.options(server))
            #expect(filtered.status == 0)
            #expect(filtered.stdout.contains("osaka-02"))
            #expect(!filtered.stdout.contains("tokyo-01"))
            let query = try #require(await server.fake.deviceQueries.last)
            #expect(query.states == [.connected, .disconnected])
            #expect(query.sync == .reconciling)

            let partial = try await CLI.run(["devices", "--search", "name~東京"] + Self.options(server))
            #expect(partial.stdout.contains("tokyo-01"))
            #expect(!partial.stdout.contains("osaka-02"))
            let exact = try await CLI.run(["devices", "--search", "code=tokyo"] + Self.options(server))
            #expect(exact.stdout.contains("no devices match"))
            let last = try #require(await server.fake.deviceQueries.last)
            #expect(last.field == .code)
            #expect(last.exact)

            let paged = try await CLI.run(["devices", "--page-size", "16", "--page", "2"] + Self.options(server))
            #expect(paged.stdout.contains("0 of 4 devices · page 2/1"))
            #expect(await server.fake.deviceQueries.last?.pageSize == 16)
        }
    }

    @Test func devicesCSVIsFormulaSafeAndJSONIsTheDevicePage() async throws {
        try await TestServer.with { server in
            let csv = try await CLI.run(["devices", "--format", "csv"] + Self.options(server))
            #expect(csv.status == 0)
            #expect(csv.stdout.hasPrefix("code,name,product,note,state,sync,"))
            #expect(csv.stdout.contains("nagoya-03,'=cmd|' /C calc'!A0,NXR-530"))
            #expect(csv.stdout.contains("fukuoka-04,\"福岡, \"\"倉庫\"\"\",NXR-530"))
            #expect(csv.stdout.contains("\r\n"))
            let json = try await CLI.run(["devices", "--format", "json"] + Self.options(server))
            let page = try JSONDecoder().decode(DevicePage.self, from: Data(json.stdout.utf8))
            #expect(page.devices.count == 4)
        }
    }

    @Test func aBadStateShowsTheServersListOfValidStates() async throws {
        try await TestServer.with { server in
            let result = try await CLI.run(["devices", "--state", "bogus"] + Self.options(server))
            #expect(result.status == 2)
            #expect(result.stderr.contains("state: 'bogus' is not valid; use one of awaiting-address, identifying"))
            let search = try await CLI.run(["devices", "--search", "name"] + Self.options(server))
            #expect(search.status == 2)
            #expect(search.stderr.contains("needs FIELD=VALUE (exact) or FIELD~VALUE (partial)"))
        }
    }

    // MARK: device show

    @Test func deviceShowPrintsIdentityHostKeyInterfacesAndHistory() async throws {
        try await TestServer.with { server in
            let result = try await CLI.run(["device", "show", "tokyo-01"] + Self.options(server))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(field("name", in: result.stdout) == "東京本社ルータ")
            #expect(field("host key", in: result.stdout) == "SHA256:Zm9vYmFy")
            #expect(field("uptime", in: result.stdout) == "1d 2h 3m")
            #expect(field("parts", in: result.stdout) == "baseline in sync, ipsec differs")
            #expect(result.stdout.contains("ethernet0"))
            #expect(result.stdout.contains("applied baseline"))
            let json = try await CLI.run(["device", "show", "tokyo-01", "--format", "json"] + Self.options(server))
            let detail = try JSONDecoder().decode(DeviceDetail.self, from: Data(json.stdout.utf8))
            #expect(detail.summary.code == "tokyo-01")
            let missing = try await CLI.run(["device", "show", "nope"] + Self.options(server))
            #expect(missing.status == 2)
            #expect(missing.stderr == "error: no device 'nope'\n")
        }
    }

    // MARK: events

    @Test func eventsTableJSONAndCSV() async throws {
        try await TestServer.with { server in
            let table = try await CLI.run(["events"] + Self.options(server))
            #expect(table.status == 0, "\(table.stderr)")
            let lines = table.stdout.split(separator: "\n")
            #expect(lines.first?.hasPrefix("TIME (UTC)") == true)
            #expect(lines[1].hasPrefix("2026-11-27 01:05:03  info"))
            #expect(lines.allSatisfy { cells($0) <= 80 })
            #expect(
                !lines.contains { $0.hasPrefix("second line") }, "a line feed inside a message must not break the table"
            )
            #expect(table.stdout.contains("4 events"))

            let json = try await CLI.run(
                ["events", "--format", "json", "--oldest", "--limit", "2"] + Self.options(server))
            let events = try JSONDecoder().decode([Event].self, from: Data(json.stdout.utf8))
            #expect(events.map(\.id) == [1, 2])

            let csv = try await CLI.run(["events", "--format", "csv", "--device", "osaka-02"] + Self.options(server))
            #expect(csv.stdout.hasPrefix("id,time,tenant,type,"))
            #expect(csv.stdout.contains("\"'=HYPERLINK("))
            #expect(csv.stdout.split(separator: "\r\n").count == 2)
        }
    }

    @Test func eventDatesCoverWholeDaysAndBadTimesAreRefusedClearly() async throws {
        try await TestServer.with { server in
            let result = try await CLI.run(
                ["events", "--from", "2026-11-27", "--to", "2026-11-27", "--user", "alice", "--group", "g"]
                    + Self.options(server))
            #expect(result.status == 0)
            let query = try #require(await server.fake.eventQueries.last)
            #expect(query.from == Timestamp(iso8601: "2026-11-27T00:00:00Z"))
            #expect(query.to == Timestamp(iso8601: "2026-11-27T23:59:59.999999Z"))
            #expect(query.user == "alice")
            #expect(query.group == "g")
            let bad = try await CLI.run(["events", "--from", "yesterday"] + Self.options(server))
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("--from: 'yesterday' is not a time"))
            let long = try await CLI.run(
                ["events", "--user", String(repeating: "u", count: 321)] + Self.options(server))
            #expect(long.status == 2)
            #expect(long.stderr.contains("the user filter has 321 characters; at most 320"))
        }
    }

    // MARK: plan

    @Test func planExitStatusSaysWhetherAnythingWouldChange() async throws {
        try await TestServer.with { server in
            let changes = try await CLI.run(["plan"] + Self.options(server))
            #expect(changes.status == 1, "\(changes.stderr)")
            #expect(changes.stdout.contains("device tokyo-01"))
            #expect(changes.stdout.contains("    ~ system/telnet-server/enabled: true → false"))
            #expect(changes.stdout.contains("note: never connected"))
            #expect(changes.stdout.contains("old-05"))
            let clean = try await CLI.run(["plan", "--rev", "clean"] + Self.options(server))
            #expect(clean.status == 0)
            #expect(clean.stdout.contains("No changes"))
            let lint = try await CLI.run(["plan", "--rev", "lint"] + Self.options(server))
            #expect(lint.status == 2)
            #expect(lint.stdout.contains("devices/x.yaml:1:1: bad"))
            #expect(lint.stderr.contains("lint errors"))
            let missing = try await CLI.run(["plan", "--rev", "missing"] + Self.options(server))
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("no revision 'missing' in the repository"))
        }
    }

    @Test func planNativeAndJSON() async throws {
        try await TestServer.with { server in
            let native = try await CLI.run(["plan", "--native"] + Self.options(server))
            #expect(native.status == 1)
            #expect(native.stdout.contains("<telnet-server>false</telnet-server>"))
            let json = try await CLI.run(["plan", "--format", "json", "--rev", "v1.2"] + Self.options(server))
            #expect(json.status == 1)
            let plan = try JSONDecoder().decode(TenantPlan.self, from: Data(json.stdout.utf8))
            #expect(plan.revision == "v1.2")
            #expect(plan.hasChanges)
        }
    }

    // MARK: reconcile, refresh, ipsec

    @Test func reconcileQueuesOneDeviceOrAll() async throws {
        try await TestServer.with { server in
            let one = try await CLI.run(["reconcile", "osaka-02"] + Self.options(server))
            #expect(one.status == 0)
            #expect(one.stdout.contains("queued reconcile of 1 device(s): osaka-02"))
            let all = try await CLI.run(["reconcile"] + Self.options(server))
            #expect(all.stdout.contains("queued reconcile of 4 device(s): tokyo-01, osaka-02, nagoya-03, fukuoka-04"))
            let calls = await server.fake.reconciles
            #expect(calls.map(\.device) == ["osaka-02", nil])
            #expect(calls.allSatisfy { $0.user == "acme-ci" })
        }
    }

    @Test func refreshSaysWhetherTheRevisionIsNew() async throws {
        try await TestServer.with { server in
            let first = try await CLI.run(["refresh"] + Self.options(server))
            #expect(first.stdout.contains("fetched new revision tip999"))
            let second = try await CLI.run(["refresh"] + Self.options(server))
            #expect(second.stdout.contains("tip999 is already the latest"))
        }
    }

    @Test func ipsecStatusShowsMembersAndPeers() async throws {
        try await TestServer.with { server in
            let result = try await CLI.run(["ipsec", "status", "本社-拠点", "--refresh"] + Self.options(server))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(field("group", in: result.stdout) == "本社-拠点 (star)")
            #expect(field("state", in: result.stdout) == "partly-connected")
            let row = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("tokyo-01") })
            #expect(
                row.split(separator: " ", omittingEmptySubsequences: true) == [
                    "tokyo-01", "center", "registered", "osaka-02", "up", "down",
                ])
            #expect(result.stdout.contains("pending: no control address yet"))
            let json = try await CLI.run(["ipsec", "status", "本社-拠点", "--format", "json"] + Self.options(server))
            let status = try JSONDecoder().decode(IPsecGroupStatus.self, from: Data(json.stdout.utf8))
            #expect(status.state == .notFetched)
            let missing = try await CLI.run(["ipsec", "status", "nogroup"] + Self.options(server))
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("no group 'nogroup'"))
        }
    }

    // MARK: errors

    @Test func anUnreachableServerIsNamedWithHowToStartCmsd() async throws {
        let port = try LoopbackPortForTests.free()
        let result = try await CLI.run(["status", "--server", "http://127.0.0.1:\(port)", "--token", Tokens.acme])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot reach cmsd at http://127.0.0.1:\(port)"))
        #expect(result.stderr.contains("Is cmsd running?"))
    }

    @Test func aBadTokenNamesTheOptionItCameFrom() async throws {
        try await TestServer.with { server in
            let flag = try await CLI.run(["status"] + Self.options(server, token: "nope"))
            #expect(flag.status == 2)
            #expect(flag.stderr.contains("cmsd refused the token from --token: the bearer token is not valid"))
            #expect(flag.stderr.contains("--token-file FILE"))
            let env = try await CLI.run(["status", "--server", server.base], environment: ["CMS_TOKEN": "nope"])
            #expect(env.stderr.contains("the token from CMS_TOKEN"))
            let none = try await CLI.run(["status", "--server", server.base])
            #expect(none.status == 2)
            #expect(none.stderr.contains("no API token: give --token-file FILE, --token TOKEN or set CMS_TOKEN"))
        }
    }

    @Test func anotherTenantIsForbiddenAndATokenWithoutTenantsSaysSo() async throws {
        try await TestServer.with { server in
            let other = try await CLI.run(["devices", "--tenant", "globex"] + Self.options(server))
            #expect(other.status == 2)
            #expect(other.stderr.contains("does not grant tenant 'globex'"))
            #expect(!other.stdout.contains("gx-1"))
            let ghost = try await CLI.run(["status"] + Self.options(server, token: Tokens.ghost))
            #expect(ghost.status == 2)
            #expect(ghost.stderr.contains("the token grants no tenant"))
        }
    }
}
