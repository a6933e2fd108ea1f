import CMSDaemon
import Foundation
import Testing

/// `readOnly:` on an API token (the dashboard's and the API's read-only tokens, docs/dashboard.md).
@Suite(.tags(.core)) struct ReadOnlyTokenConfigurationTests {
    @Test func readOnlyIsReadPerTokenAndDefaultsToFalse() throws {
        let text = """
            apiTokens: [{name: ops, secret: {env: A}}, {name: auditor, secret: {env: B}, readOnly: true}]
            tenants:
              - code: century
                repo: /r
                apiTokens: [{name: viewer, secret: {env: C}, readOnly: true}, {name: ci, secret: {env: D}, readOnly: false}]
            """
        let configuration = try DaemonConfiguration.parse(text, file: "cmsd.yaml", relativeTo: "/")
        #expect(configuration.apiTokens.map(\.readOnly) == [false, true])
        #expect(configuration.tenants.first?.apiTokens.map(\.readOnly) == [true, false])
    }

    @Test func aValueOtherThanTrueOrFalseIsRefusedNamingTheField() {
        #expect {
            try DaemonConfiguration.parse(
                "apiTokens: [{name: x, secret: {env: A}, readOnly: maybe}]\ntenants: [{code: a, repo: /r}]\n",
                file: "cmsd.yaml", relativeTo: "/")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.field == "apiTokens[0].readOnly" && error.message.contains("true or false")
        }
    }
}
