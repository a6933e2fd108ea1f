import CMSModel
import CMSSchema
import Testing

/// The mail fields added for issue 14 (tls, caFile, pop.tls, calm): decoded with their defaults, and every bad value
/// reported at its file:line:col.
@Suite("Mail settings: tls, caFile, calm")
struct MailSettingsLintTests {
    static let head = "apiVersion: cms/v1\nkind: Mail\n"

    struct Case: CustomTestStringConvertible, Sendable {
        var yaml: String
        var found: String
        var testDescription: String { found }
    }

    static let cases: [Case] = [
        Case(
            yaml: head + "servers:\n  - {name: p, host: h.example.jp, port: 25, from: a@example.jp, tls: ssl}\n",
            found: "field.enum@mail.yaml:4:70"),
        Case(
            yaml: head + "servers:\n  - {name: p, host: h.example.jp, port: 25, from: a@example.jp, caFile: ca.pem}\n",
            found: "field.type@mail.yaml:4:73"),
        Case(
            yaml: head + "servers:\n  - {name: p, host: h.example.jp, port: 25, from: a@example.jp}\ncalm: {flapping: 1}\n",
            found: "field.range@mail.yaml:5:18"),
        Case(
            yaml: head + "servers:\n  - {name: p, host: h.example.jp, port: 25, from: a@example.jp}\ncalm: {quiet: true}\n",
            found: "field.unknown@mail.yaml:5:8"),
    ]

    @Test(arguments: cases)
    func aBadValueIsReportedWhereItIs(_ testCase: Case) {
        let result = Support.lint(testCase.yaml, path: "mail.yaml")
        #expect(result.diagnostics.map { "\($0.ruleID)@\($0.file):\($0.line):\($0.column)" } == [testCase.found])
    }

    @Test func defaultsAreStartTLSWithVerificationAndCalmOn() throws {
        let result = Support.lint(
            Self.head + "servers:\n  - {name: p, host: h.example.jp, port: 25, from: a@example.jp}\n", path: "mail.yaml")
        #expect(result.diagnostics.isEmpty)
        let mail = try #require(result.snapshot?.mail)
        #expect(mail.servers.first?.tls == .starttls)
        #expect(mail.servers.first?.caFile == nil)
        #expect(mail.calm == Mail.Calm(enabled: true, flapping: 3, massOutage: 10))
    }

    @Test func everyNewFieldIsRead() throws {
        let yaml = Self.head + """
            servers:
              - name: p
                host: h.example.jp
                port: 25
                from: a@example.jp
                auth: pop-before-smtp
                user: u
                password: {env: CMS_CENTURY_POP}
                tls: implicit
                caFile: /etc/cms/ca.pem
                pop: {host: pop.example.jp, tls: implicit}
            calm: {enabled: false, flapping: 5, massOutage: 50}

            """
        let result = Support.lint(yaml, path: "mail.yaml")
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let mail = try #require(result.snapshot?.mail)
        let server = try #require(mail.servers.first)
        #expect(server.tls == .implicit)
        #expect(server.caFile == "/etc/cms/ca.pem")
        #expect(server.pop == Mail.Server.POP(host: "pop.example.jp", port: 995, tls: .implicit))
        #expect(mail.calm == Mail.Calm(enabled: false, flapping: 5, massOutage: 50))
    }
}
