import CMSSchema
import Testing

/// `batchSize` and `maxFailures` take a count or a percentage: an unquoted number is a count, not a type error
/// (the JSON Schemas say `string | integer`; `cmsd` refused a tenant with `maxFailures: 0` once text fields began
/// refusing unquoted numbers).
@Suite("Rollout amounts: a count or a percentage")
struct RolloutAmountTests {
    static let grp = "apiVersion: cms/v1\nkind: Group\n"

    @Test(arguments: ["maxFailures: 0", "maxFailures: 3", "maxFailures: \"3\"", "maxFailures: 10%", "batchSize: 5", "batchSize: 20%"])
    func aCountOrAPercentageIsAccepted(_ field: String) {
        let result = Support.lint(Self.grp + "name: g1\nrollout: {\(field)}\nmembers: [{device: a1}]\n")
        #expect(result.diagnostics.isEmpty, "\(field): \(result.diagnostics.map(\.message))")
        #expect(result.snapshot != nil)
    }

    @Test(arguments: ["maxFailures: -1", "maxFailures: 101%", "batchSize: 0", "batchSize: many"])
    func anythingElseIsARangeError(_ field: String) {
        let result = Support.lint(Self.grp + "name: g1\nrollout: {\(field)}\nmembers: [{device: a1}]\n")
        #expect(result.diagnostics.map(\.ruleID) == ["field.range"], "\(field)")
    }
}
