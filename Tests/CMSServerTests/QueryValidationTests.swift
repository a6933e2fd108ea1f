import CMSAPI
import Foundation
import Testing

/// Bad query parameters are 400 `bad-query` errors naming the parameter and what is accepted, and
/// never reach the control plane.
@Suite struct QueryValidationTests {
    @Test(arguments: [
        ("/devices?state=bogus", "state: 'bogus' is not valid; use one of awaiting-address, identifying, connected"),
        ("/devices?state=connected,bogus", "'bogus'"),
        ("/devices?sync=green", "sync: 'green' is not valid; use one of ready, reconciling, stalled, suspended"),
        ("/devices?field=colour&value=x", "field: 'colour' is not valid; use one of code, product, name"),
        ("/devices?field=name", "field: give value too"),
        ("/devices?value=x", "value: give field too"),
        ("/devices?field=name&value=\(String(repeating: "x", count: 65))", "at most 64"),
        ("/devices?field=name&value=x&match=fuzzy", "match: 'fuzzy' is not valid; use exact or partial"),
        ("/devices?pageSize=10", "pageSize: '10' is not valid; use all, 512, 256, 128, 64, 32, 16"),
        ("/devices?page=0", "page: '0' is not a whole number in 1...1000000"),
        ("/devices?page=x", "page: 'x'"),
        ("/devices?sate=connected", "unknown query parameter 'sate'; use state, sync"),
        ("/devices?sync=ready&sync=stalled", "'sync' is given 2 times"),
        ("/events?from=yesterday", "from: 'yesterday' is not a time; use ISO 8601 UTC"),
        ("/events?to=2026-13-01T00:00:00Z", "to: '2026-13-01T00:00:00Z' is not a time"),
        ("/events?from=2026-11-28T00:00:00Z&to=2026-11-27T00:00:00Z", "period start"),
        ("/events?limit=0", "limit 0 is out of range; use 1 to 100000"),
        ("/events?limit=lots", "limit: 'lots' is not a whole number"),
        ("/events?user=\(String(repeating: "u", count: 321))", "the user filter has 321 characters; at most 320"),
        ("/events?order=sideways", "order: 'sideways' is not valid; use one of ascending, descending"),
        ("/events?format=xml", "format: 'xml' is not valid; use json or csv"),
        ("/plan?native=maybe", "native: 'maybe' is not a boolean"),
        ("/ipsec/g?refresh=2", "refresh: '2' is not a boolean"),
        ("/status?verbose=1", "unknown query parameter 'verbose'; this route takes no query parameters"),
    ])
    func aBadQueryIsA400NamingTheProblem(path: String, expected: String) async throws {
        try await TestServer.with { server in
            let response = try await server.request("/api/v1/tenants/acme" + path, token: Tokens.acme)
            #expect(response.status == 400)
            let error = try response.apiError()
            #expect(error.code == "bad-query")
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(await server.fake.deviceQueries.isEmpty)
            #expect(await server.fake.eventQueries.isEmpty)
        }
    }
}
