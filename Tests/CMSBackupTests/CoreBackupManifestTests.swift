import CMSBackup
import Foundation
import Testing

/// The pure core of backups: manifest decoding and verification, restore checks (SPEC §11), member names,
/// targets, sealing. Tables, no I/O.
@Suite struct CoreBackupManifestTests {
    static let kdf = KeyDerivation(kind: .hkdf, salt: Data(repeating: 7, count: 16).base64EncodedString())

    static func manifest(tenant: String = "acme", devices: Int = 10, groups: Int = 3, sizes: [Int64] = [100, 200])
        -> BackupManifest
    {
        BackupManifest(
            cmsd: "0.2.0", tenant: tenant, created: "2026-12-07T10:00:00Z", revision: "abc", parts: ["keys", "state"],
            devices: devices, groups: groups, kdf: kdf,
            members: [
                BackupMember(name: "keys/ssh/id_ed25519", part: "keys", size: sizes[0], sha256: "aa", sealed: true, mode: 0o600),
                BackupMember(name: "state/state.sqlite", part: "state", size: sizes[1], sha256: "bb", sealed: false, mode: 0o600),
            ])
    }

    static let facts = RestoreFacts(
        tenant: "acme", freeBytes: 1 << 30, serverMaxDevices: 100, otherTenantsDevices: 50, devicesPerTenant: 40,
        groupsPerTenant: 5)

    @Test(arguments: [
        // (tenant, devices, groups, free, expected codes)
        ("acme", 10, 3, Int64(1 << 30), [String]()),
        ("other", 10, 3, Int64(1 << 30), ["not-this-tenant"]),
        ("acme", 10, 3, Int64(500), ["not-enough-space"]),
        ("acme", 60, 3, Int64(1 << 30), ["devices-over-server-limit", "devices-over-tenant-limit"]),
        ("acme", 45, 3, Int64(1 << 30), ["devices-over-tenant-limit"]),
        ("acme", 51, 3, Int64(1 << 30), ["devices-over-server-limit", "devices-over-tenant-limit"]),
        ("acme", 10, 6, Int64(1 << 30), ["groups-over-tenant-limit"]),
        ("acme", 50, 3, Int64(1 << 30), ["devices-over-tenant-limit"]),
    ])
    func restoreChecks(tenant: String, devices: Int, groups: Int, free: Int64, expected: [String]) {
        var facts = Self.facts
        facts.freeBytes = free
        let problems = RestoreCheck.problems(Self.manifest(tenant: tenant, devices: devices, groups: groups), facts: facts)
        #expect(problems.map(\.code) == expected)
        for problem in problems { #expect(!problem.description.isEmpty) }
    }

    @Test func spaceNeedsTwiceTheMembers() {
        var facts = Self.facts
        facts.freeBytes = 599
        #expect(RestoreCheck.problems(Self.manifest(), facts: facts) == [.notEnoughSpace(needed: 600, free: 599)])
        facts.freeBytes = 600
        #expect(RestoreCheck.problems(Self.manifest(), facts: facts).isEmpty)
    }

    @Test func aNewerFormatIsRefusedNamingBothVersions() throws {
        var manifest = Self.manifest()
        manifest.format = BackupManifest.currentFormat + 1
        let result = BackupManifest.decode(try manifest.encoded())
        guard case .failure(let problem) = result else { Issue.record("accepted a newer format"); return }
        #expect(problem == .newerFormat(found: 2, supported: 1))
        #expect(problem.description.contains("format 2") && problem.description.contains("up to format 1"))
    }

    @Test func manifestRoundTripsAndGarbageIsCorrupt() throws {
        let manifest = Self.manifest()
        #expect(try BackupManifest.decode(manifest.encoded()).get() == manifest)
        for garbage in ["", "{", "[]", "{\"format\": 1}", "{\"format\": \"x\"}"] {
            guard case .failure(let problem) = BackupManifest.decode(Array(garbage.utf8)) else {
                Issue.record("accepted \(garbage)")
                continue
            }
            #expect(problem.code == "corrupt", "\(garbage)")
        }
    }

    @Test(arguments: [
        // (found, expected problem fragments)
        ([("keys/ssh/id_ed25519", 100, "aa"), ("state/state.sqlite", 200, "bb")], [String]()),
        ([("keys/ssh/id_ed25519", 100, "aa")], ["state/state.sqlite is missing"]),
        ([("keys/ssh/id_ed25519", 100, "ab"), ("state/state.sqlite", 200, "bb")], ["keys/ssh/id_ed25519 does not match"]),
        ([("keys/ssh/id_ed25519", 101, "aa"), ("state/state.sqlite", 200, "bb")], ["keys/ssh/id_ed25519 does not match"]),
        (
            [("keys/ssh/id_ed25519", 100, "aa"), ("state/state.sqlite", 200, "bb"), ("keys/extra", 1, "cc")],
            ["holds keys/extra"]
        ),
    ])
    func verifyComparesEveryMember(found: [(String, Int, String)], expected: [String]) {
        let digests = Dictionary(uniqueKeysWithValues: found.map { ($0.0, MemberDigest(size: Int64($0.1), sha256: $0.2)) })
        let problems = Self.manifest().verify(found: digests)
        #expect(problems.count == expected.count)
        for (problem, fragment) in zip(problems, expected) {
            #expect(problem.code == "corrupt")
            #expect(problem.description.contains(fragment), "\(problem)")
        }
    }

    @Test func aMemberOutsideItsPartIsCorrupt() {
        var manifest = Self.manifest()
        manifest.members[0].name = "state/id_ed25519"
        let problems = manifest.verify(found: [:])
        #expect(problems.contains { $0.description.contains("not in a listed part") })
    }

    @Test(arguments: [
        ("keys/ssh/id_ed25519", true), ("state/state.sqlite", true), ("secrets/secrets/crp-secret", true),
        ("manifest.json", true), ("/etc/passwd", false), ("../x", false), ("keys/../../x", false), ("keys//x", false),
        ("keys/./x", false), ("", false), ("keys/x y", false), ("keys/\u{0}", false), ("keys/é", false),
        (String(repeating: "a/", count: 9) + "b", false), (String(repeating: "a", count: 256), false),
    ])
    func memberNames(name: String, accepted: Bool) {
        #expect((MemberName.problem(name) == nil) == accepted, "\(name)")
    }

    @Test(arguments: [
        ("nightly.tgz", "nightly.tgz"), ("sub/n.tgz", "sub/n.tgz"),
        ("ssh://bk@127.0.0.1:2222/srv/b/acme.tgz", "ssh://bk@127.0.0.1:2222/srv/b/acme.tgz"),
        ("ssh://bk@[::1]/srv/acme.tgz", "ssh://bk@[::1]:22/srv/acme.tgz"),
    ])
    func targetsAccepted(text: String, shown: String) throws {
        #expect(try BackupTarget.parse(text).get().description == shown)
    }

    @Test(arguments: [
        "/etc/passwd", "../up.tgz", "a/../../b", "", "http://x/y", "ssh://host/path", "ssh://a@h:0/p", "ssh://a@h:22",
        "ssh://a@h/dir/", "ssh://a@h/../x", "ssh://a@h/" + String(repeating: "x", count: 300), "bad\u{1}name",
    ])
    func targetsRefused(text: String) {
        guard case .failure(let problem) = BackupTarget.parse(text) else {
            Issue.record("accepted \(text)")
            return
        }
        #expect(problem.code == "bad-target")
    }
}

@Suite struct CoreBackupSealerTests {
    static let key = Data((0..<32).map { UInt8($0) }).base64EncodedString()

    @Test func aKeySealsOpensAndAuthenticates() throws {
        let sealer = try BackupSealer.forWriting(secret: Array((Self.key + "\n").utf8))
        #expect(sealer.derivation.kind == .hkdf)
        let sealed = try sealer.seal(Array("canary-secret".utf8), tenant: "acme", member: "secrets/x")
        #expect(!String(decoding: sealed, as: UTF8.self).contains("canary"))
        let reader = try BackupSealer(secret: Array(Self.key.utf8), derivation: sealer.derivation)
        #expect(try reader.open(sealed, tenant: "acme", member: "secrets/x") == Array("canary-secret".utf8))
        // Bound to the member's name and tenant, and to every byte.
        #expect(throws: RestoreProblem.self) { try reader.open(sealed, tenant: "acme", member: "secrets/y") }
        #expect(throws: RestoreProblem.self) { try reader.open(sealed, tenant: "other", member: "secrets/x") }
        var tampered = sealed
        tampered[tampered.count / 2] ^= 1
        #expect(throws: RestoreProblem.self) { try reader.open(tampered, tenant: "acme", member: "secrets/x") }
        let manifest = Array("{\"format\":1}".utf8)
        let mac = sealer.mac(manifest)
        #expect(reader.verifyMAC(manifest, mac: mac + "\n"))
        #expect(!reader.verifyMAC(manifest + [0x20], mac: mac))
    }

    @Test func aPassphraseUsesScryptAndAnotherKeyFails() throws {
        let sealer = try BackupSealer.forWriting(secret: Array("correct horse battery staple".utf8), scryptN: 1 << 10)
        #expect(sealer.derivation.kind == .scrypt && sealer.derivation.n == 1024)
        let sealed = try sealer.seal([1, 2, 3], tenant: "acme", member: "keys/k")
        let same = try BackupSealer(secret: Array("correct horse battery staple".utf8), derivation: sealer.derivation)
        #expect(try same.open(sealed, tenant: "acme", member: "keys/k") == [1, 2, 3])
        let other = try BackupSealer(secret: Array("wrong horse".utf8), derivation: sealer.derivation)
        #expect(throws: RestoreProblem.self) { try other.open(sealed, tenant: "acme", member: "keys/k") }
        #expect(!other.verifyMAC([1], mac: sealer.mac([1])))
        // A 32-byte key where a passphrase was used is "another key", not a crash.
        #expect(throws: RestoreProblem.self) { try BackupSealer(secret: Array(Self.key.utf8), derivation: sealer.derivation) }
        var wild = sealer.derivation
        wild.n = 1 << 30
        #expect(throws: RestoreProblem.self) { try BackupSealer(secret: Array("x".utf8), derivation: wild) }
    }

    @Test func anEmptyKeyIsRefused() {
        #expect(throws: RestoreProblem.self) { try BackupSealer.forWriting(secret: Array("\n".utf8)) }
    }
}
