import CMSBackup
import CMSModel
import CMSReconcile
import CMSStore
import Foundation
import TestSupport
import Testing
@testable import TenantBackup

/// A tenant's files and stores on disk, with canary secrets, and another tenant beside it.
final class BackupFixture: @unchecked Sendable {
    static let key = Data((0..<32).map { UInt8(255 - $0) }).base64EncodedString()
    let root: String
    let data: String
    let state: SQLiteStateStore
    let events: SQLiteEventStore
    let canaries: [String]
    let publicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPUBLICKEYVISIBLEINCLEARFORGREP acme"

    init() async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("cms-backup-\(UUID().uuidString.prefix(8))").path
        data = root + "/data"
        try FileManager.default.createDirectory(atPath: data + "/tenants/acme/ssh", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: data + "/tenants/acme/secrets", withIntermediateDirectories: true)
        canaries = (0..<4).map { "CANARY-\($0)-\(UUID().uuidString)" }
        try Self.write("-----BEGIN OPENSSH PRIVATE KEY-----\n\(canaries[0])\n-----END OPENSSH PRIVATE KEY-----\n", data + "/tenants/acme/ssh/id_ed25519", 0o600)
        try Self.write(publicKey + "\n", data + "/tenants/acme/ssh/id_ed25519.pub", 0o644)
        try Self.write(canaries[1] + "\n", data + "/tenants/acme/secrets/crp-secret", 0o600)
        try Self.write(canaries[2], data + "/tenants/acme/ipsec.secret", 0o600)
        try Self.write(canaries[3] + "\n", data + "/tenants/acme/api.token", 0o600)
        state = try SQLiteStateStore(path: data + "/state.sqlite")
        events = try SQLiteEventStore(path: data + "/events.sqlite")
        for (tenant, count) in [("acme", 5), ("other", 3)] {
            for index in 0..<count {
                try await state.save(DeviceRecord(
                    tenant: tenant, code: "\(tenant)\(index)", hostKey: "SHA256:pin-\(tenant)-\(index)",
                    serial: "S\(index)", sync: DeviceSyncState(at: .seconds(1))))
            }
            try await state.save(TenantRecord(code: tenant, lastAppliedRevision: "rev-\(tenant)"))
            try await events.append((0..<3).map {
                Event(time: .seconds(Int64(1_000 + $0)), tenant: tenant, type: .deviceAdded, device: "\(tenant)\($0)")
            })
        }
    }

    static func write(_ text: String, _ path: String, _ mode: Int) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, mode_t(mode))
    }

    func parts(events include: Bool = true) -> [any BackupPart] {
        var parts: [any BackupPart] = [
            TenantFilesPart.keys(tenantFolder: data + "/tenants/acme"),
            TenantFilesPart.secrets(tenantFolder: data + "/tenants/acme"), StoreRowsPart.state(store: state, tenant: "acme"),
        ]
        if include { parts.append(StoreRowsPart.events(store: events, tenant: "acme")) }
        return parts
    }

    var facts: RestoreFacts {
        RestoreFacts(
            tenant: "acme", freeBytes: .max, serverMaxDevices: 10_000, otherTenantsDevices: 3, devicesPerTenant: 10_000,
            groupsPerTenant: 512)
    }

    @discardableResult
    func backup(to output: String, key: String = BackupFixture.key, events: Bool = true) throws -> BackupManifest {
        let info = BackupInfo(tenant: "acme", cmsd: "test", created: Date(), revision: "rev-acme", devices: 5, groups: 2)
        return try TenantBackupArchive.write(
            parts: parts(events: events), info: info, sealer: try BackupSealer.forWriting(secret: Array(key.utf8)),
            work: root + "/work", output: output)
    }

    func sealer(_ key: String = BackupFixture.key) -> (KeyDerivation) throws -> BackupSealer {
        { try BackupSealer(secret: Array(key.utf8), derivation: $0) }
    }

    func stage(_ archive: String, key: String = BackupFixture.key, facts: RestoreFacts? = nil) throws -> BackupManifest {
        try TenantRestore(dataFolder: data, tenant: "acme").stage(
            archive, sealerFor: sealer(key), facts: facts ?? self.facts, parts: parts())
    }

    func problem(_ body: () throws -> Void) -> RestoreProblem? {
        do {
            try body()
            return nil
        } catch let problem as RestoreProblem {
            return problem
        } catch {
            return .failed("unexpected \(error)")
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

@Suite struct TenantBackupArchiveTests {
    @Test func aRoundTripRestoresThisTenantOnlyAndAtomically() async throws {
        let fixture = try await BackupFixture()
        defer { fixture.remove() }
        let archive = fixture.root + "/acme.tgz"
        let manifest = try fixture.backup(to: archive)
        #expect(manifest.parts == ["keys", "secrets", "state", "events"])
        #expect(manifest.members.first { $0.name == "keys/ssh/id_ed25519" }?.sealed == true)
        #expect(manifest.members.first { $0.name == "keys/ssh/id_ed25519.pub" }?.sealed == false)
        #expect(!FileManager.default.fileExists(atPath: fixture.root + "/work"), "the snapshot folder is removed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.root).filter { $0.contains(".part-") }.isEmpty)

        // The live state moves on: rows lost, a key replaced, a secret added, another tenant changes.
        let before = try await fixture.state.devices(tenant: "acme")
        try await fixture.state.deleteDevice(tenant: "acme", code: "acme0")
        try BackupFixture.write("new key", fixture.data + "/tenants/acme/ssh/id_ed25519", 0o600)
        try BackupFixture.write("stray", fixture.data + "/tenants/acme/secrets/added-later", 0o600)
        try await fixture.state.save(DeviceRecord(tenant: "other", code: "other9", sync: DeviceSyncState(at: .seconds(1))))
        try await fixture.events.append([Event(time: .seconds(5_000), tenant: "acme", type: .deviceDeleted, device: "x")])

        let restore = TenantRestore(dataFolder: fixture.data, tenant: "acme")
        let staged = try fixture.stage(archive)
        #expect(staged == manifest)
        #expect(try String(contentsOfFile: fixture.data + "/tenants/acme/ssh/id_ed25519", encoding: .utf8) == "new key",
                "staging changes nothing live")
        try restore.commit(parts: fixture.parts(), manifest: staged)

        #expect(try await fixture.state.devices(tenant: "acme") == before)
        #expect(try await fixture.state.tenant("acme")?.lastAppliedRevision == "rev-acme")
        #expect(try await fixture.state.devices(tenant: "other").count == 4, "the other tenant is untouched")
        let key = try String(contentsOfFile: fixture.data + "/tenants/acme/ssh/id_ed25519", encoding: .utf8)
        #expect(key.contains(fixture.canaries[0]))
        #expect(!FileManager.default.fileExists(atPath: fixture.data + "/tenants/acme/secrets/added-later"))
        #expect(try String(contentsOfFile: fixture.data + "/tenants/acme/ipsec.secret", encoding: .utf8) == fixture.canaries[2])
        var info = stat()
        #expect(lstat(fixture.data + "/tenants/acme/ssh/id_ed25519", &info) == 0 && info.st_mode & 0o777 == 0o600)
        let restoredEvents = try await fixture.events.search(EventQuery(tenant: "acme"))
        #expect(restoredEvents.count == 3 && !restoredEvents.contains { $0.type == .deviceDeleted })
        #expect(try await fixture.events.search(EventQuery(tenant: "other")).count == 3)
        #expect(!FileManager.default.fileExists(atPath: restore.folder), "nothing left staged")
    }

    @Test func aRestoreWithoutEventsErasesTheTenantsLog() async throws {
        let fixture = try await BackupFixture()
        defer { fixture.remove() }
        let archive = fixture.root + "/acme.tgz"
        try fixture.backup(to: archive, events: false)
        let manifest = try fixture.stage(archive)
        #expect(!manifest.parts.contains("events"))
        try TenantRestore(dataFolder: fixture.data, tenant: "acme").commit(parts: fixture.parts(), manifest: manifest)
        #expect(try await fixture.events.search(EventQuery(tenant: "acme")).isEmpty)
        #expect(try await fixture.events.search(EventQuery(tenant: "other")).count == 3)
    }

    /// The archive unpacked by GNU tar (an independent reader): the canary secrets are nowhere in clear.
    @Test func canarySecretsAreAbsentFromTheUnpackedTarball() async throws {
        let fixture = try await BackupFixture()
        defer { fixture.remove() }
        let archive = fixture.root + "/acme.tgz"
        try fixture.backup(to: archive)
        let out = fixture.root + "/unpacked"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let untar = try runProcess("/usr/bin/tar", ["-xzf", archive, "-C", out])
        #expect(untar.status == 0, "\(untar.stderr)")
        let files = try FileIO.regularFiles(under: out)
        #expect(files.contains("manifest.json") && files.contains("state/state.sqlite") && files.contains("keys/ssh/id_ed25519"))
        for canary in fixture.canaries {
            let grep = try runProcess("/usr/bin/grep", ["-r", "-a", "-l", canary, out])
            #expect(grep.status == 1, "\(canary) found in clear in \(grep.stdout)")
        }
        // grep does find what is stored in clear (the public key), so the search above is meaningful.
        let pub = try runProcess("/usr/bin/grep", ["-r", "-a", "-l", "PUBLICKEYVISIBLEINCLEARFORGREP", out])
        #expect(pub.status == 0 && pub.stdout.contains("id_ed25519.pub"))
        let zcat = try runProcess("/bin/sh", ["-c", "zcat '\(archive)' | grep -a -c CANARY-"])
        #expect(zcat.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func aTamperedByteIsCorrupt() async throws {
        let fixture = try await BackupFixture()
        defer { fixture.remove() }
        let archive = fixture.root + "/acme.tgz"
        try fixture.backup(to: archive)
        let original = try Data(contentsOf: URL(fileURLWithPath: archive))
        // A byte of the compressed stream.
        for offset in [original.count / 3, original.count / 2, original.count - 10] {
            var bytes = original
            bytes[offset] ^= 0x40
            try bytes.write(to: URL(fileURLWithPath: archive))
            let problem = fixture.problem { _ = try fixture.stage(archive) }
            #expect(problem?.code == "corrupt", "offset \(offset): \(String(describing: problem))")
        }
        // A byte inside a member, the gzip stream rebuilt so only the content differs.
        try original.write(to: URL(fileURLWithPath: archive))
        let tar = fixture.root + "/acme.tar"
        #expect(try runProcess("/bin/sh", ["-c", "zcat '\(archive)' > '\(tar)'"]).status == 0)
        var plain = try Data(contentsOf: URL(fileURLWithPath: tar))
        let marker = Data("SQLite format 3".utf8)
        let at = try #require(plain.range(of: marker))
        plain[at.lowerBound + 200] ^= 0x01
        try plain.write(to: URL(fileURLWithPath: tar))
        #expect(try runProcess("/bin/sh", ["-c", "gzip -c '\(tar)' > '\(archive)'"]).status == 0)
        let problem = fixture.problem { _ = try fixture.stage(archive) }
        #expect(problem?.code == "corrupt")
        #expect(problem?.description.contains("does not match its SHA-256") == true, "\(String(describing: problem))")
        #expect(!FileManager.default.fileExists(atPath: TenantRestore(dataFolder: fixture.data, tenant: "acme").folder))
    }

    @Test func specErrorCasesOfACheck() async throws {
        let fixture = try await BackupFixture()
        defer { fixture.remove() }
        let archive = fixture.root + "/acme.tgz"
        try fixture.backup(to: archive)
        #expect(fixture.problem { _ = try fixture.stage(fixture.root + "/missing.tgz") }?.code == "file-missing")
        let wrongKey = Data(repeating: 1, count: 32).base64EncodedString()
        #expect(fixture.problem { _ = try fixture.stage(archive, key: wrongKey) }?.code == "corrupt")
        #expect(fixture.problem { _ = try fixture.stage(archive, key: "a passphrase") }?.code == "corrupt")
        var facts = fixture.facts
        facts.freeBytes = 10
        #expect(fixture.problem { _ = try fixture.stage(archive, facts: facts) }?.code == "not-enough-space")
        facts = fixture.facts
        facts.serverMaxDevices = 7
        #expect(fixture.problem { _ = try fixture.stage(archive, facts: facts) }?.code == "devices-over-server-limit")
        facts = fixture.facts
        facts.devicesPerTenant = 4
        #expect(fixture.problem { _ = try fixture.stage(archive, facts: facts) }?.code == "devices-over-tenant-limit")
        facts = fixture.facts
        facts.groupsPerTenant = 1
        #expect(fixture.problem { _ = try fixture.stage(archive, facts: facts) }?.code == "groups-over-tenant-limit")
        let other = TenantRestore(dataFolder: fixture.data, tenant: "other")
        let foreign = fixture.problem {
            _ = try other.stage(archive, sealerFor: fixture.sealer(), facts: fixture.facts, parts: [])
        }
        #expect(foreign == .notThisTenant(found: "acme", expected: "other"))
        let garbage = fixture.root + "/garbage.tgz"
        try Data("not a backup at all".utf8).write(to: URL(fileURLWithPath: garbage))
        #expect(fixture.problem { _ = try fixture.stage(garbage) }?.code == "corrupt")
    }

    @Test func aNewerFormatIsRefusedWithBothVersions() async throws {
        let fixture = try await BackupFixture()
        defer { fixture.remove() }
        var manifest = try fixture.backup(to: fixture.root + "/acme.tgz")
        manifest.format = 9
        let path = fixture.root + "/newer.tgz"
        let writer = try TarGzWriter(path: path)
        try writer.add(name: MemberName.manifest, bytes: try manifest.encoded(), mtime: 0)
        try writer.add(name: MemberName.mac, bytes: Array("00\n".utf8), mtime: 0)
        try writer.finish()
        let problem = fixture.problem { _ = try fixture.stage(path) }
        #expect(problem == .newerFormat(found: 9, supported: 1))
    }

    /// Archives made by Python's tarfile (an independent writer) with hostile entries: every one is refused as
    /// corrupt and nothing lands outside the staging folder.
    @Test(arguments: ["../escape", "/tmp/cms-absolute-escape", "keys/../../escape", "symlink", "hardlink", "folder", "fifo"])
    func hostileEntriesAreRefused(kind: String) async throws {
        let fixture = try await BackupFixture()
        defer { fixture.remove() }
        try fixture.backup(to: fixture.root + "/acme.tgz")
        let hostile = fixture.root + "/hostile.tgz"
        let script = """
            import io, sys, tarfile
            src, dst, kind = sys.argv[1], sys.argv[2], sys.argv[3]
            with tarfile.open(src, "r:gz") as t:
                members = [(m, t.extractfile(m).read()) for m in t.getmembers()]
            with tarfile.open(dst, "w:gz") as out:
                for m, data in members[:2]:
                    out.addfile(m, io.BytesIO(data))
                e = tarfile.TarInfo(kind if kind not in ("symlink", "hardlink", "folder", "fifo") else "keys/ssh/x")
                if kind == "symlink": e.type, e.linkname = tarfile.SYMTYPE, "/etc/passwd"
                elif kind == "hardlink": e.type, e.linkname = tarfile.LNKTYPE, "/etc/passwd"
                elif kind == "folder": e.type = tarfile.DIRTYPE
                elif kind == "fifo": e.type = tarfile.FIFOTYPE
                else: e.size = 4
                out.addfile(e, io.BytesIO(b"evil") if e.size else None)
            """
        let made = try runProcess("/usr/bin/python3", ["-c", script, fixture.root + "/acme.tgz", hostile, kind])
        #expect(made.status == 0, "\(made.stderr)")
        let problem = fixture.problem { _ = try fixture.stage(hostile) }
        #expect(problem?.code == "corrupt", "\(String(describing: problem))")
        #expect(!FileManager.default.fileExists(atPath: fixture.data + "/restore/escape"))
        #expect(!FileManager.default.fileExists(atPath: fixture.data + "/escape"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/cms-absolute-escape"))
    }

    /// The config archive part: a bare git repository copied refs first, objects last, while commits go on; the
    /// restored repository passes `git fsck` and has a commit at least as new as the one its copied ref named.
    @Test func theConfigArchiveIsCopiedConsistentlyWhileCommitsGoOn() async throws {
        let fixture = try await BackupFixture()
        defer { fixture.remove() }
        let repo = fixture.data + "/archive/acme.git"
        let work = fixture.root + "/archive-work"
        #expect(try runProcess("/usr/bin/git", ["init", "-q", "--bare", "-b", "main", repo]).status == 0)
        #expect(try runProcess("/usr/bin/git", ["init", "-q", "-b", "main", work]).status == 0)
        func commit(_ n: Int) throws {
            try "config \(n) password CANARY-archive\n".write(toFile: work + "/nxr01.cfg", atomically: true, encoding: .utf8)
            let script = "cd '\(work)' && git add -A && git -c user.name=t -c user.email=t@e commit -qm c\(n) && git push -q '\(repo)' main"
            #expect(try runProcess("/bin/sh", ["-c", script]).status == 0)
        }
        try commit(0)
        let part = TenantFilesPart.archive(dataFolder: fixture.data, tenant: "acme")
        // Commits race the backup.
        let racing = Task.detached { for n in 1...15 { try commit(n) } }
        let archive = fixture.root + "/acme.tgz"
        let info = BackupInfo(tenant: "acme", cmsd: "test", created: Date(), revision: nil, devices: 0, groups: 0)
        try TenantBackupArchive.write(
            parts: [part], info: info, sealer: try BackupSealer.forWriting(secret: Array(BackupFixture.key.utf8)),
            work: fixture.root + "/work", output: archive)
        try await racing.value
        let zcat = try runProcess("/bin/sh", ["-c", "zcat '\(archive)' | grep -a -c CANARY-archive"])
        #expect(zcat.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "sealed")
        try FileManager.default.removeItem(atPath: repo)
        let restore = TenantRestore(dataFolder: fixture.data, tenant: "acme")
        let manifest = try restore.stage(archive, sealerFor: fixture.sealer(), facts: fixture.facts, parts: [part])
        try restore.commit(parts: [part], manifest: manifest)
        let fsck = try runProcess("/usr/bin/git", ["--git-dir", repo, "fsck", "--no-dangling"])
        #expect(fsck.status == 0, "\(fsck.stdout) \(fsck.stderr)")
        let log = try runProcess("/usr/bin/git", ["--git-dir", repo, "log", "--format=%s", "main"])
        #expect(log.status == 0 && log.stdout.hasSuffix("c0\n"), "\(log.stdout) \(log.stderr)")
    }

    /// The restore journal: a staged restore with READY is rolled forward at start, one without is dropped.
    @Test func anInterruptedRestoreRollsForwardOrIsDropped() async throws {
        let fixture = try await BackupFixture()
        defer { fixture.remove() }
        let archive = fixture.root + "/acme.tgz"
        try fixture.backup(to: archive)
        let restore = TenantRestore(dataFolder: fixture.data, tenant: "acme")
        try BackupFixture.write("changed", fixture.data + "/tenants/acme/ssh/id_ed25519", 0o600)

        // Crash after staging, before READY: the old state stays.
        _ = try fixture.stage(archive)
        #expect(try restore.recover(parts: fixture.parts()) == false)
        #expect(try String(contentsOfFile: fixture.data + "/tenants/acme/ssh/id_ed25519", encoding: .utf8) == "changed")
        #expect(!FileManager.default.fileExists(atPath: restore.folder))

        // Crash after READY and half the parts: the rest is installed at start, then again is harmless.
        let manifest = try fixture.stage(archive)
        try FileIO.write(Array((manifest.parts.joined(separator: "\n") + "\n").utf8), to: restore.folder + "/READY", mode: 0o600)
        try fixture.parts()[0].install(from: restore.folder + "/parts/keys")
        try await fixture.state.deleteDevice(tenant: "acme", code: "acme1")
        #expect(try restore.recover(parts: fixture.parts()) == true)
        #expect(try String(contentsOfFile: fixture.data + "/tenants/acme/ssh/id_ed25519", encoding: .utf8).contains(fixture.canaries[0]))
        #expect(try await fixture.state.devices(tenant: "acme").count == 5)
        #expect(try restore.recover(parts: fixture.parts()) == false)
    }
}
