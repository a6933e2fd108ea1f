import CMSAPI
import CMSServer
import Foundation
import Testing

/// The firmware routes keep the API's rules: token and tenant scope first, then 501 when the control plane has no
/// firmware engine (the fake here has none; the daemon's routes are proven end to end in CMSDaemonTests).
@Suite struct FirmwareRouteTests {
    @Test(arguments: [
        ("GET", "/api/v1/tenants/acme/firmware/images"), ("GET", "/api/v1/tenants/acme/rollouts"),
        ("POST", "/api/v1/tenants/acme/rollouts/resume"), ("DELETE", "/api/v1/tenants/acme/firmware/images/abcdef12"),
    ])
    func aControlPlaneWithoutFirmwareAnswers501AfterTheScopeChecks(_ method: String, _ path: String) async throws {
        try await TestServer.with { server in
            let missing = try await server.request(method, path)
            #expect(missing.status == 401)
            let other = try await server.request(method, path, token: Tokens.globex)
            #expect(other.status == 403)
            let response = try await server.request(method, path, token: Tokens.acme)
            #expect(response.status == 501)
            #expect(try response.decode(APIError.self).code == "not-implemented")
        }
    }

    @Test func theCLISaysWhenTheServerDoesNotManageFirmware() async throws {
        try await TestServer.with { server in
            for arguments in [["rollout", "status"], ["firmware", "list"], ["rollout", "resume"]] {
                let result = try await CLI.run(arguments + CLITests.options(server))
                #expect(result.status == 2, "\(arguments)")
                #expect(result.stderr.contains("this server does not manage firmware"), "\(result.stderr)")
            }
        }
    }
}
