import CMSServer
import Foundation
import Testing

/// schemas/openapi.yaml is the API's contract: the routes it lists are exactly those the Hummingbird router
/// serves, its examples keep its own schemas, and the harness hook (``ContractCheck``) that validates every answer
/// of this suite does catch a broken one.
@Suite struct OpenAPIContractTests {
    static func document(_ command: String) async throws -> (status: Int32, lines: [String], stderr: String) {
        let result = try await runProcessCapturing("/usr/bin/env", ["python3", ContractCheck.script, command])
        return (result.status, result.stdout.split(separator: "\n").map(String.init), result.stderr)
    }

    @Test func theRouterAndTheDocumentListTheSameRoutes() async throws {
        // The API's routes as registered on the router (the dashboard's pages, outside /api, are not the API's).
        let served = APIServer.routeTable(controlPlane: FakeControlPlane())
            .filter { $0.contains(" /api/") || $0.hasSuffix(" /healthz") || $0.hasSuffix(" /metrics") }
        let documented = try await Self.document("routes")
        #expect(documented.status == 0, "\(documented.stderr)")
        #expect(served.contains("GET /api/v1/tenants/{tenant}/devices/{code}"), "\(served)")
        let missing = Set(served).subtracting(documented.lines).sorted()
        let extra = Set(documented.lines).subtracting(served).sorted()
        #expect(missing.isEmpty, "served but not in schemas/openapi.yaml: \(missing)")
        #expect(extra.isEmpty, "in schemas/openapi.yaml but not served: \(extra)")
        #expect(Set(served).count == served.count, "a route is registered twice: \(served)")
    }

    @Test func everyExampleOfTheDocumentKeepsItsSchema() async throws {
        let result = try await Self.document("examples")
        #expect(result.status == 0, "\(result.lines.filter { !$0.hasPrefix("checked: ") })\n\(result.stderr)")
        let checked = result.lines.filter { $0.hasPrefix("checked: ") }
        #expect(checked.contains("checked: GET /api/v1/tenants/{tenant}/status 200 example"))
        #expect(checked.contains("checked: GET /api/v1/tenants/{tenant}/devices 200 example"))
    }

    @Test func theHarnessHookRefusesAnAnswerThatBreaksTheContract() async throws {
        let check = ContractCheck.shared
        let good = Data(#"{"devices":["osaka-02"]}"#.utf8)
        #expect(
            try await check.violations(
                method: "POST", path: "/api/v1/tenants/acme/reconcile", status: 202,
                contentType: "application/json; charset=utf-8", body: good) == [])
        // A field the contract does not have, a wrong type, an undocumented content type, a route not in it.
        let extra = try await check.violations(
            method: "POST", path: "/api/v1/tenants/acme/reconcile", status: 202, contentType: "application/json",
            body: Data(#"{"devices":["osaka-02"],"queued":1}"#.utf8))
        #expect(extra.count == 1 && extra[0].contains("'queued' was unexpected"), "\(extra)")
        let type = try await check.violations(
            method: "GET", path: "/api/v1/tenants/acme/status", status: 200, contentType: "application/json",
            body: Data(#"{"tenant":7}"#.utf8))
        #expect(type.contains { $0.contains("tenant: 7 is not of type 'string'") }, "\(type)")
        let media = try await check.violations(
            method: "GET", path: "/api/v1/tenants", status: 200, contentType: "text/html", body: Data("<p>".utf8))
        #expect(media.count == 1 && media[0].contains("content type 'text/html'"), "\(media)")
        let unknown = try await check.violations(
            method: "GET", path: "/api/v1/nothing", status: 200, contentType: "application/json",
            body: Data(#"{"code":"x","message":"x","status":200}"#.utf8))
        #expect(unknown.contains { $0.contains("not 404") }, "\(unknown)")
    }

    /// Through the hook, one answer per kind of failure keeps the contract (they are all `APIError` JSON).
    @Test func errorAnswersOfEveryKindKeepTheContract() async throws {
        try await TestServer.with { server in
            let cases: [(method: String, path: String, token: String?, status: Int)] = [
                ("GET", "/api/v1/tenants/acme/status", nil, 401),
                ("GET", "/api/v1/tenants/acme/status", Tokens.globex, 403),
                ("GET", "/api/v1/tenants/nobody/status", Tokens.ops, 404),
                ("GET", "/api/v1/tenants/acme/status?x=1", Tokens.acme, 400),
                ("GET", "/api/v1/tenants/acme/devices/nope", Tokens.acme, 404),
                ("GET", "/api/v1/no/such/route", Tokens.acme, 404),
                ("GET", "/api/v1/tenants/acme/reconcile", Tokens.acme, 405),
            ]
            for one in cases {
                let response = try await server.request(one.method, one.path, token: one.token)
                #expect(response.status == one.status, "\(one.method) \(one.path)")
            }
        }
    }
}
