import CMSAPI
import CMSModel
import Foundation
import Testing

/// `GET …/events`: the SPEC §9 search as JSON, or as RFC 4180 CSV with `?format=csv` or `Accept: text/csv`.
@Suite struct EventRouteTests {
    @Test func theSearchPassesPeriodFiltersOrderAndLimitToTheControlPlane() async throws {
        try await TestServer.with { server in
            let response = try await server.request(
                "/api/v1/tenants/acme/events?from=2026-11-27T01:02:30Z&to=\(FakeControlPlane.since.microsecondsSince1970 + 200_000_000)"
                    + "&device=tokyo-01&user=&order=ascending&limit=1",
                token: Tokens.acme)
            #expect(response.status == 200)
            let events = try response.decode([Event].self)
            #expect(events.map(\.id) == [2])
            let query = try #require(await server.fake.eventQueries.last)
            #expect(query.from == Timestamp(iso8601: "2026-11-27T01:02:30Z"))
            #expect(query.to == FakeControlPlane.since + .seconds(200))
            #expect(query.device == "tokyo-01")
            #expect(query.user == nil)
            #expect(query.order == .ascending)
            #expect(query.limit == 1)
        }
    }

    @Test func theDefaultSearchIsTheNewest5000() async throws {
        try await TestServer.with { server in
            let response = try await server.request("/api/v1/tenants/acme/events", token: Tokens.acme)
            #expect(try response.decode([Event].self).map(\.id) == [4, 3, 2, 1])
            let query = try #require(await server.fake.eventQueries.last)
            #expect(query.order == .descending)
            #expect(query.limit == EventQuery.defaultLimit)
        }
    }

    @Test(arguments: [
        ("?format=csv", [String: String]()), ("", ["Accept": "text/csv"]),
        ("", ["Accept": "text/csv;q=0.9, application/json;q=0.5"]),
    ])
    func csvIsRFC4180AndFormulaSafe(query: String, headers: [String: String]) async throws {
        try await TestServer.with { server in
            let response = try await server.request(
                "/api/v1/tenants/acme/events\(query)", token: Tokens.acme, headers: headers)
            #expect(response.status == 200)
            #expect(response.headers["content-type"]?.hasPrefix("text/csv") == true)
            #expect(response.headers["content-disposition"] == "attachment; filename=\"events-acme.csv\"")
            let text = response.text
            #expect(text.hasPrefix(EventCSV.header.joined(separator: ",") + "\r\n"))
            #expect(text.hasSuffix("\r\n"))
            // The hostile message: leading '=' neutralised, quotes doubled, the line feed kept inside quotes.
            #expect(text.contains("\"'=HYPERLINK(\"\"http://evil\"\"), \"\"quoted\"\"\nsecond line\""))
            #expect(text.contains("IPsec policy added on 東京本社ルータ"))
            let fake = await server.fake.events.filter { $0.tenant == "acme" }.sorted { $0.time > $1.time }
            #expect(text == EventCSV.render(fake))
        }
    }

    @Test func jsonIsChosenWhenTheClientPrefersIt() async throws {
        try await TestServer.with { server in
            let response = try await server.request(
                "/api/v1/tenants/acme/events", token: Tokens.acme, headers: ["Accept": "application/json, text/csv"])
            #expect(response.headers["content-type"]?.hasPrefix("application/json") == true)
            #expect(try response.decode([Event].self).count == 4)
        }
    }

    @Test func csvCanStartWithAByteOrderMarkForSpreadsheets() async throws {
        try await TestServer.with { server in
            let response = try await server.request(
                "/api/v1/tenants/acme/events?format=csv&bom=true", token: Tokens.acme)
            #expect(Array(response.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
        }
    }
}
