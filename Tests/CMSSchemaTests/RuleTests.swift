import Foundation
import CMSModel
import CMSSchema
import Testing

/// One bad document and the single finding it must produce.
struct RuleCase: CustomTestStringConvertible, Sendable {
    let rule: String
    let line: Int
    let column: Int
    let yaml: String
    var path = "case.yaml"
    var paths: Set<String> = []
    var limits = Limits.default
    /// Findings the baseline checker reports per repository path (config.baseline).
    var baselines: [String: BaselineFinding] = [:]
    /// Where the finding is reported when not in `path`.
    var reportedIn: String? = nil

    var testDescription: String { rule }
}

let dev = "apiVersion: cms/v1\nkind: Device\n"
let grp = "apiVersion: cms/v1\nkind: Group\n"
let sch = "apiVersion: cms/v1\nkind: Schedule\n"
let fw = "apiVersion: cms/v1\nkind: Firmware\n"
let mailHead = "apiVersion: cms/v1\nkind: Mail\n"
let sha = String(repeating: "c", count: 64)
let smtp = "servers:\n  - {name: p, host: smtp.example.jp, port: 25, from: cms@example.jp}\n"

let ruleCases: [RuleCase] = [
    // YAML and documents
    RuleCase(rule: "yaml.syntax", line: 4, column: 8, yaml: dev + "code: [a1\nproduct: NXR-120\n"),
    RuleCase(rule: "yaml.duplicate-key", line: 3, column: 1, yaml: dev + "code: d1\ncode: d2\nproduct: NXR-120\n"),
    RuleCase(rule: "doc.not-mapping", line: 1, column: 1, yaml: "- just\n- a list\n"),
    RuleCase(
        rule: "doc.api-version", line: 1, column: 13,
        yaml: "apiVersion: cms/v2\nkind: Device\ncode: d1\nproduct: NXR-120\n"),
    RuleCase(rule: "doc.kind", line: 2, column: 7, yaml: "apiVersion: cms/v1\nkind: Devise\ncode: d1\n"),
    // Fields
    RuleCase(rule: "field.unknown", line: 5, column: 1, yaml: dev + "code: d1\nproduct: NXR-120\nsuspend: true\n"),
    RuleCase(rule: "field.required", line: 1, column: 1, yaml: dev + "code: d1\n"),
    RuleCase(rule: "field.type", line: 5, column: 12, yaml: dev + "code: d1\nproduct: NXR-120\nsuspended: maybe\n"),
    RuleCase(rule: "field.enum", line: 4, column: 10, yaml: dev + "code: d1\nproduct: NXR-999\n"),
    RuleCase(
        rule: "field.range", line: 9, column: 14,
        yaml: "apiVersion: cms/v1\nkind: Tenant\ncode: century\ntimeZone: Asia/Tokyo\nike:\n  lifetime: 10800\n"
            + "  dpd:\n    interval: 30\n    retries: 31\n",
        path: "tenant.yaml"),
    RuleCase(
        rule: "field.length", line: 5, column: 7,
        yaml: dev + "code: d1\nproduct: NXR-120\nname: \(String(repeating: "x", count: 33))\n"),
    // Secrets
    RuleCase(
        rule: "secret.plain-text", line: 5, column: 16,
        yaml: mailHead
            + "servers:\n  - {name: p, host: smtp.example.jp, port: 25, from: cms@example.jp, auth: login, user: u,\n"
            + "     password: hunter2}\n"),
    RuleCase(
        rule: "secret.reference", line: 5, column: 18,
        yaml: "apiVersion: cms/v1\nkind: Tenant\ncode: century\ntimeZone: Asia/Tokyo\ncrpSecret: {env: 9bad}\n",
        path: "tenant.yaml"),
    RuleCase(
        rule: "secret.namespace", line: 5, column: 19,
        yaml: "apiVersion: cms/v1\nkind: Tenant\ncode: century\ntimeZone: Asia/Tokyo\ncrpSecret: {file: /etc/x}\n",
        path: "tenant.yaml"),
    // Tenant
    RuleCase(rule: "tenant.missing", line: 1, column: 1, yaml: "# no tenant here\n", path: "tenant.yaml"),
    RuleCase(
        rule: "tenant.duplicate", line: 3, column: 7,
        yaml: "apiVersion: cms/v1\nkind: Tenant\ncode: other\ntimeZone: UTC\n", path: "zz.yaml"),
    RuleCase(
        rule: "tenant.code-format", line: 3, column: 7,
        yaml: "apiVersion: cms/v1\nkind: Tenant\ncode: 9lives\ntimeZone: UTC\n",
        path: "tenant.yaml"),
    RuleCase(
        rule: "tenant.time-zone", line: 4, column: 11,
        yaml: "apiVersion: cms/v1\nkind: Tenant\ncode: century\ntimeZone: Asia/Nowhere\n", path: "tenant.yaml"),
    // Maintenance windows and rollouts (docs/firmware.md)
    RuleCase(
        rule: "window.format", line: 8, column: 12,
        yaml: "apiVersion: cms/v1\nkind: Tenant\ncode: century\ntimeZone: UTC\nwindows:\n  - name: nights\n"
            + "    weekly: [mon]\n    start: \"2:00\"\n    duration: 2h\n", path: "tenant.yaml"),
    RuleCase(
        rule: "window.duplicate-name", line: 7, column: 12,
        yaml: "apiVersion: cms/v1\nkind: Tenant\ncode: century\ntimeZone: UTC\nwindows:\n"
            + "  - {name: n, weekly: [mon], start: \"02:00\", duration: 2h}\n"
            + "  - {name: n, monthly: 1, start: \"02:00\", duration: 2h}\n", path: "tenant.yaml"),
    RuleCase(
        rule: "rollout.unknown-window", line: 6, column: 13,
        yaml: "apiVersion: cms/v1\nkind: Tenant\ncode: century\ntimeZone: UTC\nrollout:\n  windows: [weekend]\n",
        path: "tenant.yaml"),
    // Devices
    RuleCase(rule: "device.code-format", line: 3, column: 7, yaml: dev + "code: Bad-Code\nproduct: NXR-120\n"),
    RuleCase(
        rule: "device.duplicate-code", line: 3, column: 7, yaml: dev + "code: a1\nproduct: NXR-120\n", path: "zz.yaml"),
    RuleCase(
        rule: "device.host-key-format", line: 5, column: 10,
        yaml: dev + "code: d1\nproduct: NXR-120\nhostKey: MD5:aa:bb\n"),
    RuleCase(
        rule: "device.ike-id", line: 5, column: 16,
        yaml: dev + "code: d1\nproduct: NXR-120\nikeId: {value: -bad.example}\n"),
    RuleCase(
        rule: "device.ike-id", line: 5, column: 33,
        yaml: dev + "code: d1\nproduct: NXR-120\nikeId: {type: user-fqdn, value: nouser.example}\n"),
    RuleCase(
        rule: "device.ike-id", line: 5, column: 16, yaml: dev + "code: d1\nproduct: NXR-120\nikeId: {value: a..b}\n"),
    RuleCase(
        rule: "device.ike-id", line: 5, column: 16,
        yaml: dev + "code: d1\nproduct: NXR-120\nikeId: {value: a--b.example}\n"),
    RuleCase(
        rule: "device.duplicate-ike-id", line: 5, column: 16,
        yaml: dev + "code: d1\nproduct: NXR-120\nikeId: {value: id-a1}\n", path: "zz.yaml"),
    // Config files
    RuleCase(
        rule: "config.file-name", line: 6, column: 11,
        yaml: dev + "code: d1\nproduct: NXR-120\nconfigs:\n  - file: bad-name.xml\n",
        paths: ["configs/d1/bad-name.xml"]),
    RuleCase(
        rule: "config.duplicate-file", line: 7, column: 11,
        yaml: dev + "code: d1\nproduct: NXR-120\nconfigs:\n  - file: a.xml\n  - file: a.xml\n",
        paths: ["configs/d1/a.xml"]),
    RuleCase(
        rule: "config.flag-conflict", line: 7, column: 31,
        yaml: dev
            + "code: d1\nproduct: NXR-120\nconfigs:\n  - {file: a.xml, autoConfig: true}\n  - {file: b.xml, autoConfig: true}\n",
        paths: ["configs/d1/a.xml", "configs/d1/b.xml"]),
    RuleCase(
        rule: "config.auto-save-without-auto", line: 6, column: 54,
        yaml: dev
            + "code: d1\nproduct: NXR-120\nconfigs:\n  - {file: a.xml, autoConfig: false, autoConfigSave: true}\n",
        paths: ["configs/d1/a.xml"]),
    RuleCase(
        rule: "config.enforce-not-xml", line: 6, column: 28,
        yaml: dev + "code: d1\nproduct: NXR-120\nconfigs:\n  - {file: a.tgz, enforce: true}\n",
        paths: ["configs/d1/a.tgz"]),
    RuleCase(
        rule: "config.type-mismatch", line: 6, column: 25,
        yaml: dev + "code: d1\nproduct: NXR-120\nconfigs:\n  - {file: a.xml, type: tgz}\n", paths: ["configs/d1/a.xml"]),
    RuleCase(
        rule: "config.missing-file", line: 6, column: 11,
        yaml: dev + "code: d1\nproduct: NXR-120\nconfigs:\n  - file: a.xml\n"),
    RuleCase(
        rule: "config.baseline", line: 7, column: 1,
        yaml: dev + "code: d1\nproduct: NXR-120\nconfigs:\n  - {file: a.xml, enforce: true}\n  - file: b.xml\n",
        paths: ["configs/d1/a.xml", "configs/d1/b.xml"],
        baselines: [
            "configs/d1/a.xml": BaselineFinding(message: "cms- policy", line: 7),
            "configs/d1/b.xml": BaselineFinding(message: "not enforced, never asked"),
        ],
        reportedIn: "configs/d1/a.xml"),
    // Limits
    RuleCase(
        rule: "limit.devices", line: 3, column: 7, yaml: dev + "code: d1\nproduct: NXR-120\n", path: "zz.yaml",
        limits: Limits(devicesPerTenant: 3)),
    RuleCase(
        rule: "limit.groups", line: 7, column: 7, yaml: grp + "name: g1\n---\n" + grp + "name: g2\n",
        limits: Limits(groupsPerTenant: 1)),
    RuleCase(
        rule: "limit.monitor-groups", line: 9, column: 7,
        yaml: grp + "name: m1\ntype: monitor\n---\n" + grp + "name: m2\ntype: monitor\n"
            + "---\n" + mailHead + smtp
            + "addressBook: [{name: noc, address: noc@example.jp}]\nmonitorRecipients: [noc]\n"),
    RuleCase(
        rule: "limit.schedules", line: 10, column: 7,
        yaml: sch + "name: s1\ncommand: reboot\ntarget: all\nwhen: {hour: 1, minute: 0}\n---\n" + sch
            + "name: s2\ncommand: reboot\ntarget: all\nwhen: {hour: 2, minute: 0}\n",
        limits: Limits(schedulesPerTenant: 1)),
    RuleCase(
        rule: "limit.config-files", line: 6, column: 3,
        yaml: dev + "code: d1\nproduct: NXR-120\nconfigs:\n  - file: a.xml\n  - file: b.xml\n",
        paths: ["configs/d1/a.xml", "configs/d1/b.xml"], limits: Limits(configFilesPerDevice: 1)),
    RuleCase(
        rule: "limit.images-per-product", line: 4, column: 10,
        yaml: fw + "name: fw120b\nproduct: NXR-120\nurl: http://127.0.0.1/x.bin\nsha256: \(sha)\n",
        path: "zz.yaml", limits: Limits(imagesPerProduct: 1)),
    RuleCase(
        rule: "limit.smtp-servers", line: 4, column: 3,
        yaml: mailHead + "servers:\n  - {name: a, host: h1, port: 25, from: a@example.jp}\n"
            + "  - {name: b, host: h2, port: 25, from: a@example.jp}\n",
        limits: Limits(smtpServers: 1)),
    RuleCase(
        rule: "limit.address-book", line: 5, column: 14,
        yaml: mailHead + smtp + "addressBook: [{name: a, address: a@example.jp}, {name: b, address: b@example.jp}]\n",
        limits: Limits(addressBookEntries: 1)),
    RuleCase(
        rule: "limit.monitor-recipients", line: 6, column: 20,
        yaml: mailHead + smtp + "addressBook: [{name: a, address: a@example.jp}, {name: b, address: b@example.jp}]\n"
            + "monitorRecipients: [a, b]\n",
        limits: Limits(monitorRecipients: 1)),
    // Firmware
    RuleCase(
        rule: "firmware.duplicate-name", line: 3, column: 7,
        yaml: fw + "name: fw120\nproduct: NXR-130\nurl: http://127.0.0.1/x.bin\nsha256: \(sha)\n", path: "zz.yaml"),
    RuleCase(
        rule: "firmware.version-format", line: 5, column: 10,
        yaml: fw + "name: f9\nproduct: NXR-130\nversion: 5.26 beta\nurl: http://127.0.0.1/x.bin\nsha256: \(sha)\n"),
    RuleCase(
        rule: "firmware.sha256", line: 6, column: 9,
        yaml: fw + "name: f9\nproduct: NXR-130\nurl: http://127.0.0.1/x.bin\nsha256: abc1234\n"),
    RuleCase(
        rule: "firmware.source", line: 5, column: 6,
        yaml: fw + "name: f9\nproduct: NXR-130\nurl: ftp://127.0.0.1/x.bin\nsha256: \(sha)\n"),
    RuleCase(
        rule: "firmware.file-missing", line: 5, column: 7,
        yaml: fw + "name: f9\nproduct: NXR-130\nfile: firmware/x.bin\nsha256: \(sha)\n"),
    RuleCase(
        rule: "firmware.unknown-image", line: 5, column: 19,
        yaml: dev + "code: d1\nproduct: NXR-120\nfirmware: {image: fw999}\n"),
    RuleCase(
        rule: "firmware.product-mismatch", line: 5, column: 19,
        yaml: dev + "code: d1\nproduct: NXR-120\nfirmware: {image: fw125}\n"),
    RuleCase(
        rule: "firmware.mode-unsupported", line: 5, column: 32,
        yaml: dev + "code: d1\nproduct: NXR-120\nfirmware: {image: fw120, mode: background}\n"),
    RuleCase(
        rule: "firmware.mode-unsupported", line: 5, column: 11,
        yaml: sch
            + "name: s1\ncommand: firmware-update-no-reboot\nfirmware: fw120\ntarget: all\nwhen: {hour: 1, minute: 0}\n"
    ),
    // Groups
    RuleCase(rule: "group.duplicate-name", line: 7, column: 7, yaml: grp + "name: g1\n---\n" + grp + "name: g1\n"),
    RuleCase(
        rule: "group.rollout-conflict", line: 11, column: 20,
        yaml: grp + "name: g1\nrollout: {canary: 1}\nmembers: [{device: a1}]\n---\n" + grp
            + "name: g2\nrollout: {batchSize: 10%}\nmembers: [{device: a1}]\n"),
    RuleCase(
        rule: "rollout.unknown-window", line: 4, column: 21,
        yaml: grp + "name: g1\nrollout: {windows: [nights]}\nmembers: [{device: a1}]\n"),
    RuleCase(rule: "group.unknown-device", line: 4, column: 20, yaml: grp + "name: g1\nmembers: [{device: zz}]\n"),
    RuleCase(
        rule: "group.duplicate-member", line: 4, column: 34,
        yaml: grp + "name: g1\nmembers: [{device: a1}, {device: a1}]\n"),
    RuleCase(
        rule: "group.star-center", line: 4, column: 7,
        yaml: grp + "name: s\ntype: ipsec-star\nmembers:\n  - {device: a1, wan: ppp0, lan: host}\n"),
    RuleCase(
        rule: "group.star-backup", line: 8, column: 24,
        yaml: grp + "name: s\ntype: ipsec-star\nmembers:\n  - {device: a1, role: center, wan: ppp0, lan: host}\n"
            + "  - {device: b1, role: backup, wan: ppp0, lan: host}\n  - {device: c1, role: backup, wan: ppp0, lan: host}\n"
    ),
    RuleCase(
        rule: "group.role-not-star", line: 6, column: 24,
        yaml: grp + "name: m\ntype: ipsec-mesh\nmembers:\n  - {device: a1, role: center, wan: ppp0, lan: host}\n"),
    RuleCase(
        rule: "group.interface-name", line: 6, column: 23,
        yaml: grp + "name: m\ntype: ipsec-mesh\nmembers:\n  - {device: a1, wan: eth0, lan: host}\n"),
    RuleCase(
        rule: "group.lan-prefix", line: 6, column: 34,
        yaml: grp + "name: m\ntype: ipsec-mesh\nmembers:\n  - {device: a1, wan: ppp0, lan: 192.168.1.0/33}\n"),
    RuleCase(
        rule: "group.ipv6-required", line: 7, column: 5,
        yaml: grp
            + "name: m\ntype: ipsec-mesh\nipsec: {lowerLayer: ipv6}\nmembers:\n  - {device: a1, wan: ppp0, lan: host}\n"
    ),
    RuleCase(
        rule: "group.ipv6-address", line: 7, column: 46,
        yaml: grp
            + "name: m\ntype: ipsec-mesh\nipsec: {lowerLayer: ipv6}\nmembers:\n  - {device: a1, wan: ppp0, lan: host, ipv6: \"2001:db8::g\"}\n"
    ),
    RuleCase(rule: "group.ipsec-on-plain-group", line: 4, column: 1, yaml: grp + "name: g\nipsec: {pfs: 2}\n"),
    RuleCase(
        rule: "group.member-ipsec-fields", line: 5, column: 18,
        yaml: grp + "name: g\nmembers:\n  - {device: a1, wan: ppp0}\n"),
    RuleCase(
        rule: "group.backup-interface", line: 6, column: 40,
        yaml: grp + "name: m\ntype: ipsec-mesh\nmembers:\n  - {device: a1, wan: ppp0, lan: host, backupWan: ppp1}\n"),
    RuleCase(
        rule: "group.backup-unused", line: 7, column: 40,
        yaml: grp + "name: s\ntype: ipsec-star\nmembers:\n  - {device: a1, role: center, wan: ppp0, lan: host}\n"
            + "  - {device: b1, wan: ppp0, lan: host, backupWan: ppp1, backupLan: host}\n"),
    RuleCase(
        rule: "group.member-incomplete", line: 6, column: 5,
        yaml: grp + "name: m\ntype: ipsec-mesh\nmembers:\n  - {device: a1, wan: ppp0}\n"),
    // Schedules
    RuleCase(
        rule: "schedule.duplicate-name", line: 10, column: 7,
        yaml: sch + "name: s1\ncommand: reboot\ntarget: all\nwhen: {hour: 1, minute: 0}\n---\n" + sch
            + "name: s1\ncommand: fetch-syslog\ntarget: all\nwhen: {hour: 2, minute: 0}\n"),
    RuleCase(
        rule: "schedule.identical", line: 10, column: 7,
        yaml: sch + "name: s1\ncommand: reboot\ntarget: all\nwhen: {hour: 1, minute: 0}\n---\n" + sch
            + "name: s2\ncommand: reboot\ntarget: all\nwhen: {hour: 1, minute: 0}\n"),
    RuleCase(
        rule: "schedule.unknown-group", line: 5, column: 17,
        yaml: sch + "name: s1\ncommand: reboot\ntarget: {group: nope}\nwhen: {hour: 1, minute: 0}\n"),
    RuleCase(
        rule: "schedule.firmware-required", line: 4, column: 10,
        yaml: sch + "name: s1\ncommand: firmware-update\ntarget: all\nwhen: {hour: 1, minute: 0}\n"),
    RuleCase(
        rule: "schedule.firmware-unexpected", line: 5, column: 1,
        yaml: sch + "name: s1\ncommand: reboot\nfirmware: fw120\ntarget: all\nwhen: {hour: 1, minute: 0}\n"),
    RuleCase(
        rule: "schedule.when-form", line: 6, column: 22,
        yaml: sch + "name: s1\ncommand: reboot\ntarget: all\nwhen: {weekday: mon, month: 1, hour: 1, minute: 0}\n"),
    RuleCase(
        rule: "schedule.impossible-date", line: 6, column: 23,
        yaml: sch + "name: s1\ncommand: reboot\ntarget: all\nwhen: {month: 2, day: 30, hour: 1, minute: 0}\n"),
    RuleCase(
        rule: "schedule.overlap", line: 13, column: 7,
        yaml: sch + "name: s1\ncommand: reboot\ntarget: all\nwhen: {weekday: weekdays, hour: 1, minute: 0}\n---\n" + sch
            + "name: s2\ncommand: fetch-syslog\ntarget: all\nwhen: {weekday: mon, hour: 1, minute: 0}\n"),
    RuleCase(
        rule: "schedule.no-schedule-config", line: 3, column: 7,
        yaml: sch + "name: s1\ncommand: restore-config\ntarget: all\nwhen: {hour: 1, minute: 0}\n"),
    // Mail
    RuleCase(
        rule: "schedule.firmware-no-target", line: 10, column: 11,
        yaml: grp + "name: g\nmembers: [{device: c1}]\n---\n" + sch
            + "name: s1\ncommand: firmware-update\nfirmware: fw120\ntarget: {group: g}\nwhen: {hour: 1, minute: 0}\n"),
    RuleCase(
        rule: "mail.duplicate", line: 6, column: 1, yaml: mailHead + smtp + "---\n" + mailHead + smtp, path: "mail.yaml"
    ),
    RuleCase(
        rule: "mail.auth-fields", line: 4, column: 76,
        yaml: mailHead + "servers:\n  - {name: p, host: smtp.example.jp, port: 25, from: cms@example.jp, auth: login}\n"
    ),
    RuleCase(
        rule: "mail.address-format", line: 4, column: 54,
        yaml: mailHead + "servers:\n  - {name: p, host: smtp.example.jp, port: 25, from: nobody}\n"),
    RuleCase(
        rule: "mail.duplicate-contact", line: 5, column: 56,
        yaml: mailHead + smtp + "addressBook: [{name: a, address: a@example.jp}, {name: a, address: b@example.jp}]\n"),
    RuleCase(
        rule: "mail.recipient-unknown", line: 6, column: 21,
        yaml: mailHead + smtp + "addressBook: [{name: noc, address: a@example.jp}]\nmonitorRecipients: [nco]\n"),
    RuleCase(rule: "mail.no-recipients", line: 4, column: 7, yaml: grp + "name: m\ntype: monitor\n"),
    // Input caps: the top mapping and 65 nested lists cross maxDepth (64) at the 64th `[`.
    RuleCase(rule: "yaml.limit", line: 1, column: 67, yaml: "x: " + String(repeating: "[", count: 65)
        + String(repeating: "]", count: 65) + "\n"),
]

/// Rules the repository loaders report (links, caps on reads): tested with real folders and git revisions in
/// TenantSourceTests (`InputCapTests`) and InputLimitTests, not through ``Linter/lint``.
let loaderRules: Set<String> = ["input.symlink", "input.limit"]

@Suite("Each lint rule")
struct RuleTests {
    @Test("reports exactly the expected rule at the expected line and column", arguments: ruleCases)
    func badDocumentYieldsExactlyItsRule(_ testCase: RuleCase) {
        let baselines = testCase.baselines
        let result = Support.lint(
            testCase.yaml, path: testCase.path, paths: testCase.paths, limits: testCase.limits,
            baselineCheck: { baselines[$0] })
        let found = result.diagnostics.map { "\($0.ruleID)@\($0.file):\($0.line):\($0.column)" }
        let file = testCase.rule == "tenant.missing" ? "." : testCase.reportedIn ?? testCase.path
        #expect(found == ["\(testCase.rule)@\(file):\(testCase.line):\(testCase.column)"])
        let severity = result.diagnostics.first?.severity
        if severity == .error { #expect(result.snapshot == nil) }
    }

    @Test("every catalogued rule has at least one case in the table")
    func everyRuleIsCovered() {
        let covered = Set(ruleCases.map(\.rule)).union(loaderRules)
        let missing = Rule.allCases.map(\.rawValue).filter { !covered.contains($0) }
        #expect(missing == [])
    }

    @Test("every catalogued rule is documented in docs/lint-rules.md with its severity")
    func everyRuleIsDocumented() throws {
        let doc = try String(
            contentsOf: Support.packageRoot.appendingPathComponent("docs/lint-rules.md"), encoding: .utf8)
        for rule in Rule.allCases {
            #expect(doc.contains("| `\(rule.rawValue)` | \(rule.severity.rawValue) |"), "\(rule.rawValue)")
        }
    }

    @Test("the base tenant alone lints clean and yields a snapshot")
    func baseIsClean() throws {
        let result = Linter.lint(Support.base, repositoryPaths: Set(Support.base.map(\.path)))
        #expect(result.diagnostics == [])
        let snapshot = try #require(result.snapshot)
        #expect(snapshot.devices.map(\.code) == ["a1", "b1", "c1"])
        #expect(snapshot.devices[0].effectiveIKEID == IKEID(type: .fqdn, value: "id-a1"))
    }
}
