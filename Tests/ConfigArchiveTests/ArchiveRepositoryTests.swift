import Crypto
import ConfigArchive
import Foundation
import TestSupport
import Testing

/// The archive against real git repositories on disk (libgit2 writes; the `git` CLI reads back where it is an
/// independent witness).
@Suite struct ArchiveRepositoryTests {
    let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("archive-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    static let xml = Array("<data><system><hostname>nxr-1</hostname></system></data>\n".utf8)
    static let showConfig = Array("!\nhostname nxr-1\n!\n".utf8)
    /// A binary blob with NULs and high bytes, as a tgz is.
    static let tgz: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255] + (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }

    @Test func allThreeFormatsReadBackByteForByte() async throws {
        let archive = try ConfigArchive(path: folder + "/t1.git")
        let commit = try await archive.record(
            device: "nxr-1", files: [.xml: Self.xml, .showConfig: Self.showConfig, .tgz: Self.tgz],
            note: ArchiveNote(reason: .request, user: "alice"), time: 1_700_000_000)
        #expect(commit?.files == [.xml, .showConfig, .tgz])
        #expect(try await archive.read(device: "nxr-1", format: .xml).bytes == Self.xml)
        #expect(try await archive.read(device: "nxr-1", format: .showConfig).bytes == Self.showConfig)
        #expect(try await archive.read(device: "nxr-1", format: .tgz).bytes == Self.tgz)
        // git itself sees the files where we say they are.
        let listed = try runProcess("/usr/bin/git", ["-C", folder + "/t1.git", "ls-tree", "-r", "--name-only", "main"])
        #expect(listed.stdout.split(separator: "\n") == ["nxr-1/config.tgz", "nxr-1/running.xml", "nxr-1/show-config.txt"])
        #expect(try await archive.runsOnOwnThread())
    }

    @Test func aCommitOnlyWhenContentChangedAndItSaysWhyAndWho() async throws {
        let archive = try ConfigArchive(path: folder + "/t2.git")
        let first = try await archive.record(
            device: "nxr-1", files: [.xml: Self.xml], note: ArchiveNote(reason: .apply, revision: "abc123"), time: 10)
        #expect(first != nil)
        let same = try await archive.record(
            device: "nxr-1", files: [.xml: Self.xml], note: ArchiveNote(reason: .drift), time: 20)
        #expect(same == nil)
        let changed = Array(String(decoding: Self.xml, as: UTF8.self).replacingOccurrences(of: "nxr-1", with: "nxr-X").utf8)
        let second = try await archive.record(
            device: "nxr-1", files: [.xml: changed], note: ArchiveNote(reason: .request, user: "bob"), time: 30)
        #expect(second?.author == "bob")
        #expect(second?.subject == "nxr-1: running config pulled on request of bob")
        #expect(second?.message.contains("Reason: request\nUser: bob\n") == true)
        let log = try await archive.log(device: "nxr-1")
        #expect(log.map(\.id) == [second?.id, first?.id].compactMap { $0 })
        #expect(log.first?.time == 30)
        #expect(log.last?.message.contains("Revision: abc123") == true)
        let count = try runProcess("/usr/bin/git", ["-C", folder + "/t2.git", "rev-list", "--count", "main"])
        #expect(count.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2")
    }

    @Test func theLogOfADeviceListsOnlyItsOwnCommits() async throws {
        let archive = try ConfigArchive(path: folder + "/t3.git")
        try await archive.record(device: "a", files: [.xml: Self.xml], note: ArchiveNote(reason: .connected), time: 1)
        try await archive.record(device: "b", files: [.xml: Self.xml], note: ArchiveNote(reason: .connected), time: 2)
        try await archive.record(
            device: "a", files: [.showConfig: Self.showConfig], note: ArchiveNote(reason: .deviceChange), time: 3)
        let log = try await archive.log(device: "a")
        #expect(log.map(\.files) == [[.showConfig], [.xml]])
        #expect(try await archive.log(device: "b").count == 1)
        #expect(try await archive.log(device: "c").isEmpty)
    }

    @Test func theDiffReadsLikeGitDiff() async throws {
        let archive = try ConfigArchive(path: folder + "/t4.git")
        let one = try #require(
            try await archive.record(
                device: "nxr-1", files: [.showConfig: Array("hostname one\nntp server 1\n".utf8), .tgz: Self.tgz],
                note: ArchiveNote(reason: .connected), time: 1))
        let two = try #require(
            try await archive.record(
                device: "nxr-1", files: [.showConfig: Array("hostname two\nntp server 1\n".utf8), .tgz: Self.tgz.reversed()],
                note: ArchiveNote(reason: .deviceChange), time: 2))
        try await archive.record(device: "other", files: [.xml: Self.xml], note: ArchiveNote(reason: .connected), time: 3)
        let diff = try await archive.diff(device: "nxr-1", from: one.id, to: two.id)
        #expect(diff.contains("diff --git a/nxr-1/show-config.txt b/nxr-1/show-config.txt"))
        #expect(diff.contains("-hostname one\n+hostname two\n ntp server 1\n"))
        #expect(diff.contains("Binary files a/nxr-1/config.tgz and b/nxr-1/config.tgz differ"))
        #expect(!diff.contains("other/"))
        #expect(try await archive.diff(device: "nxr-1", from: two.id, to: "HEAD").isEmpty)
    }

    @Test func aConfigOver16MiBIsRefusedAndNothingIsWritten() async throws {
        let archive = try ConfigArchive(path: folder + "/t5.git")
        let big = [UInt8](repeating: 65, count: ArchiveFormat.maxSize + 1)
        await #expect(throws: ArchiveError.tooLarge(device: "nxr-1", format: .tgz, size: big.count)) {
            try await archive.record(
                device: "nxr-1", files: [.xml: Self.xml, .tgz: big], note: ArchiveNote(reason: .request), time: 1)
        }
        #expect(await archive.head() == nil)
        // Exactly 16 MiB is kept whole.
        let limit = [UInt8](repeating: 66, count: ArchiveFormat.maxSize)
        try await archive.record(device: "nxr-1", files: [.tgz: limit], note: ArchiveNote(reason: .request), time: 2)
        #expect(try await archive.read(device: "nxr-1", format: .tgz).bytes == limit)
    }

    @Test func badDeviceCodesAndRevisionsAreClearErrors() async throws {
        let archive = try ConfigArchive(path: folder + "/t6.git")
        await #expect(throws: ArchiveError.badDevice("../x")) {
            try await archive.record(device: "../x", files: [.xml: Self.xml], note: ArchiveNote(reason: .request), time: 1)
        }
        try await archive.record(device: "nxr-1", files: [.xml: Self.xml], note: ArchiveNote(reason: .request), time: 1)
        await #expect(throws: ArchiveError.notFound(what: "revision 'nope'")) {
            try await archive.read(device: "nxr-1", format: .xml, revision: "nope")
        }
        await #expect(throws: ArchiveError.notFound(what: "nxr-1/config.tgz at HEAD")) {
            try await archive.read(device: "nxr-1", format: .tgz)
        }
    }

    @Test func theArchiveSurvivesReopeningAndKeepsCountingChanges() async throws {
        let path = folder + "/t7.git"
        do {
            let archive = try ConfigArchive(path: path)
            try await archive.record(device: "nxr-1", files: [.xml: Self.xml], note: ArchiveNote(reason: .apply), time: 1)
        }
        let again = try ConfigArchive(path: path)
        #expect(try await again.record(device: "nxr-1", files: [.xml: Self.xml], note: ArchiveNote(reason: .apply), time: 2) == nil)
        #expect(try await again.log(device: "nxr-1").count == 1)
    }

    @Test func newCommitsArePushedToABareRepositoryOnDisk() async throws {
        let remote = folder + "/remote.git"
        let made = try runProcess("/usr/bin/git", ["init", "--bare", "-q", remote])
        #expect(made.status == 0)
        let archive = try ConfigArchive(
            path: folder + "/t8.git", push: ArchivePushTarget(url: remote, branch: "configs"))
        let first = try #require(
            try await archive.record(device: "nxr-1", files: [.xml: Self.xml], note: ArchiveNote(reason: .apply), time: 1))
        let pushError = await archive.lastPushError
        #expect(pushError == nil, "\(pushError ?? "")")
        var tip = try runProcess("/usr/bin/git", ["-C", remote, "rev-parse", "refs/heads/configs"])
        #expect(tip.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == first.id)
        let second = try #require(
            try await archive.record(
                device: "nxr-2", files: [.showConfig: Self.showConfig], note: ArchiveNote(reason: .apply), time: 2))
        tip = try runProcess("/usr/bin/git", ["-C", remote, "rev-parse", "refs/heads/configs"])
        #expect(tip.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == second.id)
        let shown = try runProcess("/usr/bin/git", ["-C", remote, "show", "configs:nxr-2/show-config.txt"])
        #expect(shown.stdout == String(decoding: Self.showConfig, as: UTF8.self))
    }

    @Test func aPushThatCannotFastForwardIsReportedAndTheLocalCommitStands() async throws {
        let remote = folder + "/remote2.git"
        _ = try runProcess("/usr/bin/git", ["init", "--bare", "-q", remote])
        // Someone else's history on the branch.
        let other = try ConfigArchive(path: folder + "/other.git", push: ArchivePushTarget(url: remote))
        try await other.record(device: "x", files: [.xml: Self.xml], note: ArchiveNote(reason: .apply), time: 1)
        let archive = try ConfigArchive(path: folder + "/t9.git", push: ArchivePushTarget(url: remote))
        let mine = try await archive.record(
            device: "nxr-1", files: [.xml: Self.xml], note: ArchiveNote(reason: .apply), time: 2)
        #expect(mine != nil)
        #expect(await archive.lastPushError?.contains("pushing the config archive to \(remote) failed") == true)
        #expect(await archive.head() == mine?.id)
    }
}

/// Secrets never enter the archive in clear; a restore puts them back from the device.
@Suite struct ConfigRedactionTests {
    static let xml = """
        <data xmlns="urn:cms:nxr:1.0"><crp><secret>crp-secret-0123456789</secret></crp>
        <ipsec><policy><name>cms-a</name><pre-shared-key>psk-AAAA</pre-shared-key></policy>
        <policy><name>cms-b</name><nxr:pre-shared-key xmlns:nxr="urn:cms:nxr:1.0">psk-BBBB</nxr:pre-shared-key></policy></ipsec></data>
        """
    static let showConfig = "crp\n secret crp-secret-0123456789\nexit\nipsec policy cms-a\n  pre-shared-key psk-AAAA\nexit\n"

    @Test(arguments: [(ArchiveFormat.xml, xml), (.showConfig, showConfig)])
    func secretsAreReplacedByMarkersAndComeBackFromTheDevice(format: ArchiveFormat, text: String) throws {
        let key = RedactionKey.random()
        let redacted = ConfigRedaction.redact(Array(text.utf8), format: format, key: key)
        let shown = String(decoding: redacted, as: UTF8.self)
        #expect(!shown.contains("psk-AAAA") && !shown.contains("psk-BBBB") && !shown.contains("crp-secret-0123456789"))
        #expect(shown.contains(ConfigRedaction.marker("psk-AAAA", key: key)))
        #expect(shown.contains("cms-redacted:hmac-sha256:"))
        #expect(ConfigRedaction.redact(redacted, format: format, key: key) == redacted, "redacting twice changes nothing")
        #expect(try ConfigRedaction.unredact(redacted, format: format, using: Array(text.utf8), key: key) == Array(text.utf8))
    }

    @Test func aSecretTheDeviceNoLongerHasIsRefused() {
        let key = RedactionKey.random()
        let redacted = ConfigRedaction.redact(Array(Self.showConfig.utf8), format: .showConfig, key: key)
        let changed = Self.showConfig.replacingOccurrences(of: "psk-AAAA", with: "psk-NEW")
        #expect(throws: ConfigRedaction.Failure.self) {
            try ConfigRedaction.unredact(redacted, format: .showConfig, using: Array(changed.utf8), key: key)
        }
        // Under another tenant's (or a lost) key the markers match nothing: refused, never sent as a secret.
        #expect(throws: ConfigRedaction.Failure.self) {
            try ConfigRedaction.unredact(redacted, format: .showConfig, using: Array(Self.showConfig.utf8), key: .random())
        }
    }

    @Test func markersAreKeyedSoTheArchiveHoldsNoHashToTestGuessesAgainst() throws {
        let one = RedactionKey.random()
        let other = RedactionKey.random()
        #expect(ConfigRedaction.marker("psk-AAAA", key: one) != ConfigRedaction.marker("psk-AAAA", key: other))
        #expect(ConfigRedaction.marker("psk-AAAA", key: one) == ConfigRedaction.marker("psk-AAAA", key: one))
        #expect(ConfigRedaction.marker("psk-AAAA", key: one) != ConfigRedaction.marker("psk-AAAB", key: one))
        // The unkeyed SHA-256 of the secret (what a guesser would compute) appears nowhere.
        let redacted = String(
            decoding: ConfigRedaction.redact(Array(Self.showConfig.utf8), format: .showConfig, key: one), as: UTF8.self)
        let sha = SHA256.hash(data: Data("psk-AAAA".utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        #expect(!redacted.contains(sha))
        // An archive written before the key (unkeyed markers) still restores against the device's secrets.
        let legacy = Self.showConfig.replacingOccurrences(
            of: "psk-AAAA", with: "cms-redacted:sha256:" + sha)
        #expect(
            try ConfigRedaction.unredact(Array(legacy.utf8), format: .showConfig, using: Array(Self.showConfig.utf8), key: one)
                == Array(Self.showConfig.utf8))
    }

    @Test func theKeyIsMadeOnceWithMode0600AndReadBack() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rkey-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let made = try RedactionKey.loadOrCreate(path: folder + "/t.redaction-key")
        #expect(try RedactionKey.loadOrCreate(path: folder + "/t.redaction-key") == made)
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/t.redaction-key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: folder + "/short.redaction-key"))
        #expect(throws: ArchiveError.self) { try RedactionKey.loadOrCreate(path: folder + "/short.redaction-key") }
    }
}
