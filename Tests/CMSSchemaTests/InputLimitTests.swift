import CMSModel
import CMSSchema
import Foundation
import Testing
import TestSupport

/// Hostile YAML is held to ``InputLimits`` before Yams composes it: each case is a finding of its own, found fast.
@Suite("YAML input caps")
struct InputLimitTests {
    /// The bomb: ten levels of ten aliases (10^10 nodes once expanded), the last used as a mapping key, in
    /// about half a kilobyte. Before the caps, Yams' duplicate-key check hashed the expanded key forever.
    static let aliasBomb: String = {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1..<10 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            lines.append("a\(level): &a\(level) [\(refs)]")
        }
        lines.append("? *a9\n: boom")
        return lines.joined(separator: "\n") + "\n"
    }()

    static let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "\n"

    static let manyAliases: String = {
        "base: &b x\nlist:\n" + String(repeating: "  - *b\n", count: 1_001)
    }()

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let limits: InputLimits
        let rule: String
        let cap: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "alias bomb used as a key", text: aliasBomb, limits: .default, rule: "yaml.limit",
             cap: "maxExpandedNodes"),
        Case(name: "alias bomb as a value", text: aliasBomb.replacingOccurrences(of: "? *a9\n: boom", with: "x: *a9"),
             limits: .default, rule: "yaml.limit", cap: "maxExpandedNodes"),
        Case(name: "200 nested lists", text: deep, limits: .default, rule: "yaml.limit", cap: "maxDepth"),
        Case(name: "1,001 aliases of a scalar", text: manyAliases, limits: .default, rule: "yaml.limit",
             cap: "maxAliases"),
        Case(name: "a file over maxFileBytes", text: "# " + String(repeating: "x", count: 2_000) + "\n",
             limits: InputLimits(maxFileBytes: 1_000), rule: "input.limit", cap: "maxFileBytes"),
    ]

    @Test("each cap is one finding naming the cap, returned within a second", arguments: cases)
    func capIsAFinding(_ item: Case) {
        let clock = ContinuousClock()
        var parsed: ParsedFile?
        let elapsed = clock.measure {
            parsed = Linter.parse(SourceFile(path: "bomb.yaml", text: item.text), input: item.limits)
        }
        let diagnostics = parsed?.diagnostics ?? []
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.ruleID == item.rule)
        #expect(diagnostics.first?.file == "bomb.yaml")
        #expect(diagnostics.first?.message.contains(item.cap) == true)
        #expect(diagnostics.first?.hint?.isEmpty == false)
        #expect(parsed?.documentCount == 0)
        #expect(elapsed < .seconds(1), "took \(elapsed)")
    }

    @Test("the bomb's finding points at the alias that crosses the cap")
    func bombPosition() throws {
        let parsed = Linter.parse(SourceFile(path: "bomb.yaml", text: Self.aliasBomb))
        let finding = try #require(parsed.diagnostics.first)
        // a5 expands to 1,111,111 nodes: the second `*a5` of line 7 (a6's list) crosses 2,000,000.
        #expect(finding.line == 7)
        #expect(finding.column > 1)
    }

    @Test("ordinary aliases and anchors stay allowed")
    func ordinaryAliases() {
        let text = """
            apiVersion: cms/v1
            kind: Device
            code: a2
            product: &p NXR-120
            description: *p
            """
        let result = Support.lint(text)
        #expect(!result.diagnostics.contains { $0.ruleID == "yaml.limit" })
    }

    @Test("a spent time budget stops the scan with a finding")
    func timeBudget() {
        let big = "list:\n" + String(repeating: "  - x\n", count: 20_000)
        let parsed = Linter.parse(SourceFile(path: "big.yaml", text: big), input: .default, expired: { true })
        #expect(parsed.diagnostics.map(\.ruleID) == ["yaml.limit"])
        #expect(parsed.diagnostics.first?.message.contains("time budget") == true)
    }
}

/// Secret references of a tenant repository stay inside the tenant's namespace (``SecretNamespace``).
@Suite("Secret reference namespace")
struct SecretNamespaceRuleTests {
    static let cases: [(reference: String, rule: String?)] = [
        ("{env: CMS_CENTURY_CRP}", nil),
        ("{file: crp-secret}", nil),
        ("{file: crp/secret}", nil),
        ("{env: CMS_OTHER_CRP}", "secret.namespace"),
        ("{env: HOME}", "secret.namespace"),
        ("{env: CMS_CENTURY_}", "secret.namespace"),
        ("{file: /another/tenant/token}", "secret.namespace"),
        ("{file: ../other/secrets/token}", "secret.namespace"),
        ("{file: a/../../b}", "secret.namespace"),
        ("{file: .hidden}", "secret.namespace"),
    ]

    @Test("crpSecret references: inside the namespace or a secret.namespace finding", arguments: cases)
    func crpSecret(_ item: (reference: String, rule: String?)) {
        let tenant = "apiVersion: cms/v1\nkind: Tenant\ncode: century\ntimeZone: Asia/Tokyo\ncrpSecret: \(item.reference)\n"
        let result = Support.lint(tenant, path: "tenant.yaml")
        let secretFindings = result.diagnostics.filter { $0.ruleID.hasPrefix("secret.") }
        #expect(secretFindings.map(\.ruleID) == (item.rule.map { [$0] } ?? []))
        if item.rule != nil {
            #expect(secretFindings.first?.file == "tenant.yaml")
            #expect(secretFindings.first?.line == 5)
        }
    }

    @Test("a mail password is held to the tenant's variables too")
    func mailPassword() {
        let mail = """
            apiVersion: cms/v1
            kind: Mail
            servers:
              - {name: a, host: smtp.example.jp, port: 25, from: cms@example.jp, auth: login, user: u,
                 password: {env: CMS_OTHER_SMTP}}
            """
        let result = Support.lint(mail, path: "mail.yaml")
        #expect(result.diagnostics.filter { $0.ruleID == "secret.namespace" }.map(\.file) == ["mail.yaml"])
    }

    @Test("the namespace's prefix spells the tenant code in capitals, - as _")
    func prefix() {
        #expect(SecretNamespace(tenant: "century").environmentPrefix == "CMS_CENTURY_")
        #expect(SecretNamespace(tenant: "east-1").environmentPrefix == "CMS_EAST_1_")
        #expect(SecretNamespace(tenant: "t").folder(dataFolder: "/var/lib/cms/") == "/var/lib/cms/tenants/t/secrets")
    }
}

@Suite("cms-lint on an alias bomb")
struct AliasBombExecutableTests {
    @Test("cms-lint reports the 0.5 KB alias bomb as yaml.limit and exits 1, in folder and --rev mode")
    func bombViaCLI() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cms-bomb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("devices"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "apiVersion: cms/v1\nkind: Tenant\ncode: century\ntimeZone: UTC\n".write(
            to: folder.appendingPathComponent("tenant.yaml"), atomically: true, encoding: .utf8)
        try InputLimitTests.aliasBomb.write(
            to: folder.appendingPathComponent("devices/bomb.yaml"), atomically: true, encoding: .utf8)
        #expect(InputLimitTests.aliasBomb.utf8.count < 600)
        for arguments in [["git", "init", "-q", "-b", "main"], ["git", "add", "-A"],
                          ["git", "-c", "user.name=T", "-c", "user.email=t@example.jp", "-c", "commit.gpgsign=false",
                           "commit", "-q", "-m", "bomb"]] {
            #expect(try runProcess("/usr/bin/env", arguments, in: folder).status == 0)
        }
        for extra in [[], ["--rev", "HEAD"]] {
            let clock = ContinuousClock()
            let start = clock.now
            let result = try runProcess(CMSLintExecutableTests.binary, [folder.path] + extra)
            let elapsed = clock.now - start
            #expect(result.status == 1)
            #expect(result.stdout.contains("devices/bomb.yaml:7:"))
            #expect(result.stdout.contains("[yaml.limit]"))
            // The whole process, start-up included, on a shared machine; before the caps it never returned.
            #expect(elapsed < .seconds(5), "cms-lint took \(elapsed)")
        }
    }
}
