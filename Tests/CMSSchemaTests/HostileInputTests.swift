import CMSSchema
import Testing

@Suite("Hostile or odd YAML never crashes the linter")
struct HostileInputTests {
    static let inputs: [(String, String)] = [
        ("deep nesting", "apiVersion: cms/v1\nkind: Device\ncode: " + String(repeating: "[", count: 5000)),
        ("tabs for indentation", "apiVersion: cms/v1\nkind: Device\n\tcode: a1\n"),
        ("huge integer", "apiVersion: cms/v1\nkind: Tenant\ncode: t\ntimeZone: UTC\nike: {lifetime: 99999999999999999999999}\n"),
        ("mapping as key", "apiVersion: cms/v1\nkind: Device\n? [a, b]\n: c\ncode: a1\nproduct: NXR-120\n"),
        ("kind as a mapping", "apiVersion: cms/v1\nkind: {a: b}\n"),
        ("scalar document", "just a string\n"),
        ("undefined alias", "apiVersion: cms/v1\nkind: Device\ncode: *nope\n"),
        ("binary tag", "apiVersion: cms/v1\nkind: Device\ncode: !!binary aGVsbG8=\nproduct: NXR-120\n"),
        ("members not a list", "apiVersion: cms/v1\nkind: Group\nname: g\nmembers: {device: a1}\n"),
        ("member is a list", "apiVersion: cms/v1\nkind: Group\nname: g\nmembers: [[a1]]\n"),
        ("when is a scalar", "apiVersion: cms/v1\nkind: Schedule\nname: s\ncommand: reboot\ntarget: all\nwhen: daily\n"),
        ("secret is a list", "apiVersion: cms/v1\nkind: Tenant\ncode: t\ntimeZone: UTC\ncrpSecret: [env, X]\n"),
        ("aliases fan out", "a: &a [1, 2, 3]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\napiVersion: cms/v1\nkind: Mail\n"),
    ]

    @Test("each input yields findings, not a crash", arguments: inputs.map(\.0))
    func noCrash(_ name: String) {
        let text = Self.inputs.first { $0.0 == name }!.1
        let parsed = Linter.parse(SourceFile(path: "x.yaml", text: text))
        #expect(!parsed.diagnostics.isEmpty)
        #expect(parsed.diagnostics.allSatisfy { $0.line >= 1 && $0.column >= 1 && $0.file == "x.yaml" })
    }

    @Test("an empty file and bare document markers are fine")
    func emptyDocuments() {
        for text in ["", "---\n", "# only a comment\n", "---\n---\n"] {
            #expect(Linter.parse(SourceFile(path: "x.yaml", text: text)).diagnostics == [])
        }
    }
}
