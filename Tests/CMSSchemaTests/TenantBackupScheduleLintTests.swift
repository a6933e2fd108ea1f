import CMSModel
import CMSSchema
import Foundation
import Testing

/// `command: tenant-backup` (issue 15, "also as a schedule command"): what `cms-lint` accepts and refuses, and the
/// JSON Schema gives the same verdict on every case.
@Suite struct TenantBackupScheduleLintTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let yaml: String
        /// nil: valid; else the rule `cms-lint` reports.
        let rule: String?
        var testDescription: String { name }
    }

    static let head = "apiVersion: cms/v1\nkind: Schedule\nname: b\ncommand: tenant-backup\n"
    static let when = "when: {hour: 3, minute: 0}\n"
    static let cases: [Case] = [
        Case(name: "no target, no backup settings", yaml: head + when, rule: nil),
        Case(name: "a local file with events", yaml: head + "backup: {to: nightly/century.tgz, includeEvents: true}\n" + when, rule: nil),
        Case(name: "an SSH server", yaml: head + "backup: {to: \"ssh://backup@192.0.2.9:2222/srv/cms/c.tgz\"}\n" + when, rule: nil),
        Case(name: "keep 3 timestamped backups", yaml: head + "backup: {keep: 3}\n" + when, rule: nil),
        Case(name: "a target", yaml: head + "target: all\n" + when, rule: "field.unknown"),
        Case(name: "a firmware image", yaml: head + "firmware: fw120\n" + when, rule: "schedule.firmware-unexpected"),
        Case(name: "an absolute path", yaml: head + "backup: {to: /etc/cms/c.tgz}\n" + when, rule: "field.type"),
        Case(name: "a path leaving the folder", yaml: head + "backup: {to: ../c.tgz}\n" + when, rule: "field.type"),
        Case(name: "an http URL", yaml: head + "backup: {to: \"http://example.com/c.tgz\"}\n" + when, rule: "field.type"),
        Case(name: "an ssh URL without account", yaml: head + "backup: {to: \"ssh://host/c.tgz\"}\n" + when, rule: "field.type"),
        Case(name: "keep 0", yaml: head + "backup: {keep: 0}\n" + when, rule: "field.range"),
        Case(name: "keep with to", yaml: head + "backup: {to: c.tgz, keep: 3}\n" + when, rule: "field.unknown"),
        Case(name: "an unknown backup field", yaml: head + "backup: {events: true}\n" + when, rule: "field.unknown"),
        Case(
            name: "backup settings on a reboot",
            yaml: "apiVersion: cms/v1\nkind: Schedule\nname: r\ncommand: reboot\ntarget: all\nbackup: {keep: 3}\n" + when,
            rule: "field.unknown"),
    ]

    @Test(arguments: cases) func lintAndSchemaAgree(_ item: Case) throws {
        let lint = Support.lint(item.yaml, path: "schedules/b.yaml")
        let findings = lint.diagnostics.filter { $0.file == "schedules/b.yaml" && $0.severity == .error }
        #expect(findings.map(\.ruleID) == (item.rule.map { [$0] } ?? []), "\(findings.map(\.message))")
        let (schemaOK, schemaSays) = try LintSchemaAgreementTests.schemaAccepts(item.yaml)
        #expect(schemaOK == (item.rule == nil), "schema: \(schemaSays)")
    }

    @Test func theSnapshotCarriesTheBackupSettingsAndDefaults() throws {
        let lint = Support.lint(
            Self.head + "backup: {to: \"ssh://backup@192.0.2.9/srv/c.tgz\", includeEvents: true}\n" + Self.when
                + "---\napiVersion: cms/v1\nkind: Schedule\nname: d\ncommand: tenant-backup\nwhen: {hour: 4, minute: 0}\n",
            path: "schedules/b.yaml")
        let snapshot = try #require(lint.snapshot, "\(lint.diagnostics.map(\.message))")
        let byName = Dictionary(uniqueKeysWithValues: snapshot.schedules.map { ($0.name, $0) })
        #expect(byName["b"]?.backup == Schedule.Backup(to: "ssh://backup@192.0.2.9/srv/c.tgz", includeEvents: true))
        #expect(byName["d"]?.backup == Schedule.Backup(to: nil, includeEvents: false, keep: 7))
        #expect(byName["d"]?.command.isTenantWide == true)
    }

    @Test func aTargetOnABackupSaysWhyAndHowToFixIt() throws {
        let lint = Support.lint(Self.head + "target: all\n" + Self.when, path: "schedules/b.yaml")
        let finding = try #require(lint.diagnostics.first { $0.file == "schedules/b.yaml" })
        #expect(finding.message == "`target` does not apply to tenant-backup: it backs up the whole tenant")
        #expect(finding.hint == "remove `target`")
        #expect(finding.line == 5)
    }

    /// A backup acts on no device: at the same time as a reboot of every device it is no overlap.
    @Test func aBackupAtTheSameTimeAsADeviceScheduleIsNoOverlap() {
        let lint = Support.lint(
            Self.head + Self.when + "---\napiVersion: cms/v1\nkind: Schedule\nname: r\ncommand: reboot\ntarget: all\n"
                + Self.when,
            path: "schedules/b.yaml")
        #expect(lint.diagnostics.filter { $0.file == "schedules/b.yaml" }.isEmpty, "\(lint.diagnostics.map(\.message))")
    }
}
