import CMSModel
import CMSSchema
import Testing

/// The tenant's scheduler settings (`schedules:` in tenant.yaml, docs/schedules.md).
@Suite struct TenantScheduleSettingsTests {
    static let head = "apiVersion: cms/v1\nkind: Tenant\ncode: century\ntimeZone: Europe/Berlin\n"

    @Test func defaultsAndValuesAreRead() throws {
        let plain = try #require(Support.lint(Self.head, path: "tenant.yaml").snapshot)
        #expect(plain.tenant.schedules == ScheduleSettings(graceMinutes: 10, respectMaintenanceWindows: false))
        let set = try #require(
            Support.lint(
                Self.head + "schedules:\n  graceMinutes: 45\n  respectMaintenanceWindows: true\n", path: "tenant.yaml"
            ).snapshot)
        #expect(set.tenant.schedules == ScheduleSettings(graceMinutes: 45, respectMaintenanceWindows: true))
    }

    @Test func outOfRangeAndUnknownKeysAreErrorsWithTheirLine() {
        let range = Support.lint(Self.head + "schedules:\n  graceMinutes: 2000\n", path: "tenant.yaml")
        #expect(range.snapshot == nil)
        #expect(range.diagnostics.map { "\($0.ruleID)@\($0.line)" } == ["field.range@6"])
        let unknown = Support.lint(Self.head + "schedules:\n  grace: 5\n", path: "tenant.yaml")
        #expect(unknown.snapshot == nil)
        #expect(unknown.diagnostics.first?.line == 6)
    }
}
