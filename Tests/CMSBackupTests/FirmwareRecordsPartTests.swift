import CMSBackup
import CMSModel
import Crypto
import Foundation
import Testing
@testable import TenantBackup

/// Firmware image records as a backup part (issue 15, SPEC §11): the records travel, the images do not; a record is
/// restored only when an image with the same hash is on the server.
@Suite struct FirmwareRecordsPartTests {
    static func sha(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }

    /// Stores an image file under its hash (as the image store does) and returns its record.
    static func image(_ folder: String, product: String, version: String, content: String) throws -> [String: Any] {
        let bytes = Array("NXR-FIRMWARE product=\(product) version=\(version)\n\(content)".utf8)
        let hash = sha(bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + hash))
        return ["sha256": hash, "product": product, "version": version, "size": bytes.count, "added": 1_700_000_000_000_000,
                "user": "alice"]
    }

    static func writeIndex(_ records: [[String: Any]], _ folder: String) throws {
        try JSONSerialization.data(withJSONObject: records, options: [.prettyPrinted, .sortedKeys])
            .write(to: URL(fileURLWithPath: folder + "/index.json"), options: .atomic)
    }

    static func index(_ folder: String) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/index.json"))
        let list = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return list.compactMap { $0["sha256"] as? String }
    }

    func parts(_ fixture: BackupFixture, images: Bool = true) -> [any BackupPart] {
        fixture.parts() + (images ? [FirmwareRecordsPart(tenantFolder: fixture.data + "/tenants/acme")] : [])
    }

    func backup(_ fixture: BackupFixture, to output: String, images: Bool = true) throws -> BackupManifest {
        let info = BackupInfo(tenant: "acme", cmsd: "test", created: Date(), revision: "rev-acme", devices: 5, groups: 2)
        return try TenantBackupArchive.write(
            parts: parts(fixture, images: images), info: info,
            sealer: try BackupSealer.forWriting(secret: Array(BackupFixture.key.utf8)), work: fixture.root + "/work",
            output: output)
    }

    func restore(_ fixture: BackupFixture, _ archive: String) throws {
        let restore = TenantRestore(dataFolder: fixture.data, tenant: "acme")
        let manifest = try restore.stage(archive, sealerFor: fixture.sealer(), facts: fixture.facts, parts: parts(fixture))
        try restore.commit(parts: parts(fixture), manifest: manifest)
    }

    @Test func recordsAreRestoredOnlyForImagesWithTheSameHashOnTheServer() async throws {
        let fixture = try await BackupFixture()
        defer { fixture.remove() }
        let folder = fixture.data + "/tenants/acme/firmware"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let kept = try Self.image(folder, product: "nxr120", version: "21.7.3", content: "kept")
        let lost = try Self.image(folder, product: "nxr120", version: "21.7.2", content: "lost")
        let changed = try Self.image(folder, product: "nxr230", version: "21.7.3", content: "changed")
        try Self.writeIndex([kept, lost, changed], folder)

        let archive = fixture.root + "/acme.tgz"
        let manifest = try backup(fixture, to: archive)
        #expect(manifest.parts.contains("images"))
        let member = try #require(manifest.members.first { $0.name == "images/index.json" })
        #expect(!member.sealed, "records hold no secret")
        #expect(!manifest.members.contains { $0.name.hasPrefix("images/") && $0.name != "images/index.json" },
                "the images themselves are not in the backup")

        // The server changes: one image is gone, one file no longer has its hash, one image was added later.
        let sha = { (record: [String: Any]) in record["sha256"] as! String }
        try FileManager.default.removeItem(atPath: folder + "/" + sha(lost))
        try Data("other bytes".utf8).write(to: URL(fileURLWithPath: folder + "/" + sha(changed)))
        let later = try Self.image(folder, product: "nxr120", version: "21.8.0", content: "later")
        try Self.writeIndex([kept, lost, changed, later], folder)

        try restore(fixture, archive)
        #expect(try Self.index(folder) == [sha(kept)], "only the record whose image is here, with the same hash")
        #expect(!FileManager.default.fileExists(atPath: TenantRestore(dataFolder: fixture.data, tenant: "acme").folder))
    }

    @Test func aTenantWithoutRecordsRestoresToNone() async throws {
        let fixture = try await BackupFixture()
        defer { fixture.remove() }
        let archive = fixture.root + "/acme.tgz"
        let manifest = try backup(fixture, to: archive)
        #expect(manifest.members.contains { $0.name == "images/index.json.absent" })
        let folder = fixture.data + "/tenants/acme/firmware"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Self.writeIndex([try Self.image(folder, product: "nxr120", version: "1", content: "x")], folder)
        try restore(fixture, archive)
        #expect(try Self.index(folder).isEmpty)
    }

    @Test func anOlderBackupWithoutThePartLeavesTheRecordsAlone() async throws {
        let fixture = try await BackupFixture()
        defer { fixture.remove() }
        let folder = fixture.data + "/tenants/acme/firmware"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let record = try Self.image(folder, product: "nxr120", version: "1", content: "x")
        try Self.writeIndex([record], folder)
        let archive = fixture.root + "/acme.tgz"
        #expect(!(try backup(fixture, to: archive, images: false)).parts.contains("images"))
        try Self.writeIndex([], folder)
        try restore(fixture, archive)
        #expect(try Self.index(folder).isEmpty, "untouched: still what it was before the restore")
    }

    @Test func aBadIndexInTheBackupIsCorruptNamingTheMember() async throws {
        let fixture = try await BackupFixture()
        defer { fixture.remove() }
        let folder = fixture.data + "/tenants/acme/firmware"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Self.writeIndex([["sha256": "not-a-hash", "product": "nxr120"]], folder)
        let archive = fixture.root + "/acme.tgz"
        _ = try backup(fixture, to: archive)
        let problem = fixture.problem {
            _ = try TenantRestore(dataFolder: fixture.data, tenant: "acme").stage(
                archive, sealerFor: fixture.sealer(), facts: fixture.facts, parts: parts(fixture))
        }
        #expect(problem?.code == "corrupt")
        #expect(problem?.description.contains("images/index.json: record 1") == true, "\(problem?.description ?? "")")
    }
}
