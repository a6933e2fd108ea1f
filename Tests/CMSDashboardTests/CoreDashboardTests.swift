import CMSAPI
import CMSModel
import Testing

@testable import CMSDashboard

/// The dashboard's pure parts, by tables: the IPsec picture, language negotiation, CSV cells, sessions and CSRF.
@Suite("Dashboard core", .tags(.core))
struct CoreDashboardTests {
    static func member(_ device: String, _ role: String?, _ peers: [(String, IPsecGroupStatus.LinkState, IPsecGroupStatus.LinkState)])
        -> IPsecGroupStatus.Member
    {
        IPsecGroupStatus.Member(
            device: device, role: role, registration: .registered,
            peers: peers.map { IPsecGroupStatus.Peer(peer: $0.0, selfToPeer: $0.1, peerToSelf: $0.2) })
    }

    @Test func meshJoinsEveryPairColouredByThePeerTables() {
        let status = IPsecGroupStatus(
            group: "m", type: "mesh", state: .partlyConnected,
            members: [
                Self.member("a", nil, [("b", .up, .up), ("c", .down, .up)]),
                Self.member("b", nil, [("a", .up, .up)]),
                Self.member("c", nil, []),
            ])
        let topology = Topology(status)
        #expect(topology.nodes.map(\.device) == ["a", "b", "c"])
        #expect(topology.edges.map { "\($0.from)-\($0.to):\($0.state)" } == ["a-b:up", "a-c:down", "b-c:not-fetched"])
        let svg = topology.svg
        #expect(svg.components(separatedBy: "class=\"edge\"").count - 1 == 3)
        #expect(svg.components(separatedBy: "class=\"node\"").count - 1 == 3)
    }

    @Test func starJoinsEachSpokeToTheCenterAndTheBackupCenter() {
        let status = IPsecGroupStatus(
            group: "s", type: "star", state: .allConnected,
            members: [
                Self.member("hub", "center", [("s1", .up, .up), ("s2", .up, .notFetched)]),
                Self.member("bak", "backup-center", [("s1", .notFetched, .notFetched)]),
                Self.member("s1", "spoke", []), Self.member("s2", "spoke", []),
            ])
        let topology = Topology(status)
        #expect(Set(topology.nodes.map(\.device)) == ["hub", "bak", "s1", "s2"])
        #expect(topology.edges.map { "\($0.from)-\($0.to):\($0.state):\($0.backup)" } == [
            "hub-s1:up:false", "bak-s1:not-fetched:true", "hub-s2:partial:false", "bak-s2:not-fetched:true",
        ])
    }

    @Test(arguments: [
        (nil, nil, Language.en), (nil, "ja", .ja), (nil, "ja-JP,ja;q=0.9,en;q=0.8", .ja),
        (nil, "en-US,en;q=0.9,ja;q=0.8", .en), (nil, "fr, ja;q=0.5", .ja), (nil, "ja;q=0, en", .en),
        ("en", "ja", .en), ("ja", "en", .ja), ("xx", "ja", .ja),
    ] as [(String?, String?, Language)])
    func languageNegotiation(cookie: String?, accept: String?, expected: Language) {
        #expect(Language.negotiate(cookie: cookie, acceptLanguage: accept) == expected)
    }

    @Test func bothLanguagesLabelEveryKey() {
        let en = Labels.table(.en)
        let ja = Labels.table(.ja)
        #expect(Set(en.keys) == Set(ja.keys))
        #expect(ja["devices"] == "機器一覧" && en["devices"] == "Devices")
        for state in DeviceState.allCases {
            #expect(Labels.state(state.rawValue, .en) != state.rawValue, "state \(state) has an English label")
            #expect(Labels.state(state.rawValue, .ja) != state.rawValue, "state \(state) has a Japanese label")
        }
    }

    @Test(arguments: [
        ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("=1+2", "'=1+2"),
        ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"), ("東京", "東京"),
    ])
    func csvCells(text: String, cell: String) {
        #expect(DeviceCSV.cell(text) == cell)
    }

    @Test func sessionsExpireWhenIdleAndCSRFMustMatch() {
        let sessions = DashboardSessions(idleTimeout: .seconds(60))
        let start = Timestamp.seconds(1_000)
        let session = sessions.create(user: DashboardUser(name: "alice", tenants: ["century"]), tenant: "century", now: start)
        #expect(session.id.count == 64 && session.csrf.count == 64 && session.id != session.csrf)
        guard case .active(let found) = sessions.lookup(session.id, now: start + .seconds(59)) else {
            Issue.record("the session is active within its idle time")
            return
        }
        #expect(DashboardSessions.csrfMatches(found, session.csrf))
        let forged = String(session.csrf.map { $0 == "a" ? "b" : "a" })
        #expect(!DashboardSessions.csrfMatches(found, forged))
        #expect(!DashboardSessions.csrfMatches(found, String(session.csrf.dropLast())))
        #expect(!DashboardSessions.csrfMatches(found, nil))
        #expect(!DashboardSessions.csrfMatches(found, ""))
        // Used at 59 s, so idle from there: still active at 59 + 60 s, expired after.
        guard case .active = sessions.lookup(session.id, now: start + .seconds(119)) else {
            Issue.record("each use restarts the idle time")
            return
        }
        guard case .expired = sessions.lookup(session.id, now: start + .seconds(180)) else {
            Issue.record("an idle session expires")
            return
        }
        guard case .unknown = sessions.lookup(session.id, now: start + .seconds(181)) else {
            Issue.record("an expired session is gone")
            return
        }
    }

    @Test(arguments: [
        ("/devices?page=2", "/devices?page=2"), ("//evil.example/", "/"), ("https://evil.example/", "/"),
        ("/\\evil", "/"), (nil, "/"),
    ] as [(String?, String)])
    func redirectsStayOnTheSite(back: String?, expected: String) {
        #expect(Dashboard.safeBack(back) == expected)
    }

    @Test(arguments: [
        (nil, nil, false), ("https", nil, true), ("HTTPS", nil, true), ("http", nil, false),
        ("https, http", nil, true), ("http, https", nil, false), (" https ", nil, true),
        (nil, "proto=https", true), (nil, "for=192.0.2.43;proto=https;host=cms.example", true),
        (nil, "for=192.0.2.43; Proto=\"https\"", true), (nil, "proto=http, proto=https", false),
        (nil, "for=192.0.2.43", false), ("http", "proto=https", true), (nil, "proto", false),
    ] as [(String?, String?, Bool)])
    func cookiesAreSecureWhenAProxyForwardedAnHTTPSClient(xForwardedProto: String?, forwarded: String?, secure: Bool) {
        #expect(Dashboard.forwardedOverTLS(xForwardedProto: xForwardedProto, forwarded: forwarded) == secure)
    }

    @Test func deviceListQueryFromThePageParameters() {
        let (query, problem) = Dashboard.listQuery([
            "state": ["connected", "disconnected"], "field": ["name"], "value": ["市"], "match": ["exact"],
            "pageSize": ["16"], "page": ["3"],
        ])
        #expect(problem == nil)
        #expect(query.states == [.connected, .disconnected] && query.field == .name && query.value == "市")
        #expect(query.exact && query.pageSize == 16 && query.page == 3)
        let (bad, badProblem) = Dashboard.listQuery(["state": ["nope"], "value": [String(repeating: "x", count: 65)],
                                                     "field": ["code"]])
        #expect(bad.states.isEmpty && bad.value == nil && badProblem != nil)
    }
}

extension Tag {
    @Tag static var core: Self
}
