import CMSModel
@testable import CMSSchema
import Foundation
import Testing

@Suite("A clean tenant repository")
struct CleanRepositoryTests {
    func lintClean() throws -> LintResult {
        var (files, paths) = try Support.loadRepository("clean-repo")
        files.removeAll { $0.path.hasPrefix(".") }
        return Linter.lint(files, repositoryPaths: paths)
    }

    @Test("that exercises every kind and field lints with zero findings")
    func comprehensiveFixtureIsClean() throws {
        let result = try lintClean()
        #expect(result.diagnostics.map { "\($0.file):\($0.line):\($0.column) \($0.ruleID) \($0.message)" } == [])
        #expect(result.snapshot != nil)
    }

    @Test("decodes into the typed snapshot with defaults filled in")
    func snapshotCarriesTheDeclaredValues() throws {
        let snapshot = try #require(try lintClean().snapshot)
        #expect(snapshot.tenant.code == "century")
        #expect(snapshot.tenant.crpSecret == .env("CMS_CENTURY_CRP_SECRET"))
        #expect(snapshot.tenant.ike.dhGroup == 14)
        #expect(snapshot.tenant.rollout.maxConcurrent == 20)
        #expect(snapshot.devices.map(\.code) == ["12345678901", "ebisu", "nxr_01", "osaka", "shinjuku"])
        let nxr = try #require(snapshot.device("nxr_01"))
        #expect(nxr.effectiveIKEID == IKEID(type: .fqdn, value: "id-nxr-x01"))
        #expect(nxr.configs == [ConfigFileRef(file: "nxr1.tgz", type: .tgz, schedule: true)])
        #expect(try #require(snapshot.device("12345678901")).isSerialCode)
        let star = try #require(snapshot.group("tokyo-star"))
        #expect(star.ipsec?.pfs == nil)
        #expect(star.members[1].lan == .host)
        #expect(star.members[2].backupLan == .network(address: "192.168.21.0", prefixLength: 24))
        #expect(star.members[2].effectiveRole == .spoke)
        #expect(snapshot.group("v6-mesh")?.ipsec?.lowerLayer == .ipv6)
        let when = snapshot.schedules.first { $0.name == "weekend-reboot" }?.when
        #expect(when == .weekday(.weekend, hour: 4, minute: 30))
        #expect(snapshot.mail?.servers.count == 3)
        #expect(snapshot.mail?.servers[1].pop == Mail.Server.POP(host: "pop.example.jp", port: 110))
        #expect(snapshot.image("nxr120-v5-26")?.source == .file("firmware/nxr120.bin"))
        #expect(snapshot.desiredFirmware(of: try #require(snapshot.device("osaka")))?.image == "nxr120-v5-26")
    }

    @Test("round-trips through Codable unchanged")
    func snapshotIsCodable() throws {
        let snapshot = try #require(try lintClean().snapshot)
        let data = try JSONEncoder().encode(snapshot)
        #expect(try JSONDecoder().decode(TenantSnapshot.self, from: data) == snapshot)
    }

    @Test("all findings come in one pass, sorted, when many documents are bad")
    func manyFindingsInOnePass() {
        let result = Support.lint(
            """
            apiVersion: cms/v1
            kind: Device
            code: Bad
            product: NXR-9
            nmae: x
            """)
        #expect(result.diagnostics.map(\.ruleID) == ["device.code-format", "field.enum", "field.unknown"])
        #expect(
            result.diagnostics.first { $0.ruleID == "field.unknown" }?.message.contains("did you mean `name`") == true)
    }
}

@Suite("Text formats of SPEC")
struct FormatTests {
    @Test(
        "IKE IDs follow the FQDN / USER-FQDN rules",
        arguments: [
            ("id-a1", false, true), ("a.b-c.example", false, true), (".a", false, false), ("a..b", false, false),
            ("a--b", false, false), ("-a.b", false, false), ("a-.b", false, false), ("a_b", false, false),
            (String(repeating: "a", count: 64) + ".jp", false, false),
            (String(repeating: "a.", count: 64) + "a", false, false),
            ("u.s_er-1@vpn.example", true, true), ("vpn.example", true, false), ("a@b@c", true, false),
            ("us er@vpn", true, false), ("@vpn", true, false),
        ])
    func ikeIDRules(_ value: String, _ user: Bool, _ valid: Bool) {
        #expect((Formats.ikeIDProblem(value, userFQDN: user) == nil) == valid)
    }

    @Test(
        "the default IKE ID replaces _ with -x",
        arguments: [("nxr_01", "id-nxr-x01"), ("a__b", "id-a-x-xb"), ("ab", "id-ab")])
    func defaultIKEID(_ code: String, _ expected: String) {
        #expect(IKEID.default(forDeviceCode: code).value == expected)
        #expect(Formats.ikeIDProblem(expected, userFQDN: false) == nil)
    }

    @Test(
        "interface names are ethernetN, pppN or tunnelN",
        arguments: [
            ("ethernet0", true), ("ppp12", true), ("tunnel3", true), ("eth0", false), ("ppp", false), ("pppx", false),
        ])
    func interfaceNames(_ name: String, _ valid: Bool) {
        #expect(Formats.isInterfaceName(name) == valid)
    }

    @Test(
        "LAN networks are address/prefix or host",
        arguments: [
            ("192.168.1.0/24", true), ("host", true), ("10.0.0.0/33", false), ("10.0.0/8", false),
            ("2001:db8::/48", true), ("2001:db8::/129", false), ("01.2.3.4/8", false), ("1.2.3.4", false),
        ])
    func lanNetworks(_ text: String, _ valid: Bool) {
        #expect((Formats.lanNetwork(text) != nil) == valid)
    }

    @Test(
        "IPv6 addresses",
        arguments: [
            ("2001:db8::1", true), ("::1", true), ("fe80::1:2:3:4:5", true), ("1:2:3:4:5:6:7:8", true),
            ("1:2:3:4:5:6:7", false), ("1::2::3", false), ("::ffff:192.0.2.1", true), ("2001:db8::g", false),
            ("12345::", false),
        ])
    func ipv6(_ text: String, _ valid: Bool) {
        #expect(Formats.isIPv6(text) == valid)
    }

    @Test(
        "device codes",
        arguments: [
            ("a", true), ("nxr_01", true), ("12345678901", true), ("1abc", false), ("Abc", false),
            ("a-b", false), ("abcdefghijklmnopq", false), ("1234567890", false),
        ])
    func deviceCodes(_ code: String, _ valid: Bool) {
        #expect(Formats.isDeviceCode(code) == valid)
    }
}
