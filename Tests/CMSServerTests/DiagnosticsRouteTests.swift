import CMSAPI
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The diagnostics routes over loopback and the `cms exec` / `cms syslog` commands as the built executable: the
/// token's name reaches the control plane, 8 MiB stream through the server and the CLI into a file intact,
/// argument rules are checked on both sides.
@Suite struct DiagnosticsRouteTests {
    static func options(_ server: TestServer, token: String = Tokens.acme) -> [String] {
        ["--server", server.base, "--token", token]
    }

    /// A POST with a JSON body.
    static func post(_ server: TestServer, _ path: String, body: String, token: String? = Tokens.acme) async throws
        -> HTTPResult
    {
        try await server.request("POST", path, token: token, body: Data(body.utf8))
    }

    @Test func execStreamsTheOutputAndTheTokensNameIsTheUser() async throws {
        try await TestServer.with { server in
            let result = try await CLI.run(["exec", "tokyo-01", "show", "ip", "route"] + Self.options(server))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "user=acme-ci device=tokyo-01 command=show ip route\n")
            let ping = try await CLI.run(
                ["exec", "tokyo-01", "ping", "2001:db8::1", "-6", "--count", "3"] + Self.options(server))
            #expect(ping.stdout == "user=acme-ci device=tokyo-01 command=ping 2001:db8::1 --count 3 -6\n", "\(ping.stderr)")
            let route = try await CLI.run(["exec", "tokyo-01", "route", "ipv6", "rib"] + Self.options(server))
            #expect(route.stdout.hasSuffix("command=route ipv6 rib\n"), "\(route.stderr)")
            let raw = try await Self.post(server, "/api/v1/tenants/acme/devices/tokyo-01/exec", body: #"{"kind":"arp"}"#)
            #expect(raw.status == 200)
            #expect(raw.headers["content-type"] == "text/plain; charset=utf-8")
            #expect(raw.headers["x-cms-output-bytes"] == String(raw.body.count))
        }
    }

    @Test func eightMebibytesStreamIntoTheOutFileIntact() async throws {
        try await TestServer.with { server in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("exec-\(UUID().uuidString).txt")
            defer { try? FileManager.default.removeItem(at: file) }
            let result = try await CLI.run(["exec", "tokyo-01", "tech-support", "--out", file.path] + Self.options(server))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr == "wrote \(8 << 20) bytes to \(file.path)\n")
            let data = try Data(contentsOf: file)
            #expect(data.count == 8 << 20)
            let lines = data.split(separator: UInt8(ascii: "\n"))
            #expect(lines.count == FakeControlPlane.bigLines)
            #expect(lines.enumerated().allSatisfy { Int(String(decoding: $0.element.dropFirst(5), as: UTF8.self)) == $0.offset })
        }
    }

    @Test func argumentsAreRefusedByTheCLIAndByTheServer() async throws {
        try await TestServer.with { server in
            let cases: [([String], String)] = [
                (["ping", "192.0.2.1", "--count", "61"], "count must be 1 to 60, not 61"),
                (["show", String(repeating: "x", count: 256)], "at most 255 are allowed"),
                (["packet-dump", "eth0"], "'eth0' is not an interface name"),
                (["traceroute", "2001:db8::1"], "is an IPv6 address; add -6"),
                (["reboot"], "'reboot' is not a diagnostic command"),
                (["route", "ipv5"], "route takes [ipv4|ipv6] [fib|rib|cache], not 'ipv5'"),
            ]
            for (words, message) in cases {
                let result = try await CLI.run(["exec", "tokyo-01"] + words + Self.options(server))
                #expect(result.status != 0)
                #expect(result.stderr.contains(message), "\(words): \(result.stderr)")
            }
            let bad = try await Self.post(
                server, "/api/v1/tenants/acme/devices/tokyo-01/exec", body: #"{"kind":"ping","destination":"x y"}"#)
            #expect(bad.status == 400)
            #expect(try bad.apiError().code == "bad-argument")
            #expect(try bad.apiError().message.hasPrefix("destination: 'x y' is neither an IP address nor a host name"))
            let garbage = try await Self.post(server, "/api/v1/tenants/acme/devices/tokyo-01/exec", body: "{")
            #expect(garbage.status == 400)
            #expect(try garbage.apiError().message.contains("kind: show, syslog"))
            let anonymous = try await Self.post(
                server, "/api/v1/tenants/acme/devices/tokyo-01/exec", body: #"{"kind":"arp"}"#, token: nil)
            #expect(anonymous.status == 401)
            let foreign = try await Self.post(
                server, "/api/v1/tenants/acme/devices/tokyo-01/exec", body: #"{"kind":"arp"}"#, token: Tokens.globex)
            #expect(foreign.status == 403)
            let down = try await CLI.run(["exec", "osaka-02", "arp"] + Self.options(server))
            #expect(down.status == 2 && down.stderr == "error: osaka-02 is disconnected: test\n")
            let missing = try await CLI.run(["exec", "nowhere", "arp"] + Self.options(server))
            #expect(missing.status == 2 && missing.stderr.contains("no device 'nowhere'"))
        }
    }

    @Test func syslogFetchListAndGet() async throws {
        try await TestServer.with { server in
            let fetch = try await CLI.run(["syslog", "fetch", "tokyo-01"] + Self.options(server))
            #expect(fetch.status == 0 && fetch.stdout == "tokyo-01: fetched 42 bytes (syslog-1.log.gz)\n", "\(fetch.stderr)")
            let group = try await CLI.run(["syslog", "fetch", "--group", "本社-拠点"] + Self.options(server))
            #expect(group.status == 1)
            #expect(group.stdout == "tokyo-01: fetched 100 bytes (syslog-2.log.gz)\nosaka-02: not fetched: osaka-02 is disconnected: by acme-ci\n")
            let neither = try await CLI.run(["syslog", "fetch"] + Self.options(server))
            #expect(neither.status != 0 && neither.stderr.contains("give a DEVICE or --group NAME"))
            let list = try await CLI.run(["syslog", "list", "tokyo-01"] + Self.options(server))
            #expect(list.status == 0)
            #expect(list.stdout.contains("1  2027-01-15 07:47:40  812         syslog-1799999260000000.log.gz"), "\(list.stdout)")
            let get = try await CLI.run(["syslog", "get", "tokyo-01", "2"] + Self.options(server))
            #expect(get.status == 0 && get.stdout == "syslog 2 of tokyo-01\n")
            let beyond = try await CLI.run(["syslog", "get", "tokyo-01", "3"] + Self.options(server))
            #expect(beyond.status == 2 && beyond.stderr.contains("there are 2 syslog file(s) of tokyo-01"))
        }
    }
}
