import Foundation
import Testing
@testable import NXRSim

/// The simulator's tgz backups: real gzip and tar (GNU tar reads them), and they restore.
@Suite struct ConfigArchiveTests {
    @Test func gnuTarReadsTheArchive() throws {
        let config = Array(String(repeating: "<system>x</system>\n", count: 5000).utf8)
        let archive = ConfigArchive.pack(config, modified: 1_800_000_000)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tgz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(archive).write(to: folder.appendingPathComponent("backup.tgz"))
        let result = try Shell.run(
            "/bin/tar", ["-xzf", folder.appendingPathComponent("backup.tgz").path, "-C", folder.path])
        #expect(result.status == 0, "tar: \(result.stderr)")
        #expect(try Data(contentsOf: folder.appendingPathComponent("config.xml")) == Data(config))
        #expect(try ConfigArchive.unpack(archive) == config)
    }

    @Test(arguments: [
        ("not gzip", [UInt8]("hello world, not an archive".utf8)),
        (
            "flipped byte",
            {
                var bytes = ConfigArchive.pack(Array("abc".utf8)); bytes[20] ^= 1; return bytes
            }()
        ),
    ])
    func damagedArchivesAreRefused(name: String, bytes: [UInt8]) {
        #expect(throws: ConfigArchive.Failure.self) { _ = try ConfigArchive.unpack(bytes) }
    }

    @Test func aTgzBackupRestoresOnTheDevice() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "tgz1", rebootDelay: 0.2)
        let backup = try await SSHNetconf.run(
            fleet, device, [SSHNetconf.vendor("<config-backup NXR><format>tgz</format></config-backup>")])
        let content = try #require(
            backup.stdout.components(separatedBy: "<content xmlns=\"\(SimModel.namespace)\">").dropFirst().first?
                .components(separatedBy: "</content>").first)
        let archive = try #require(Data(base64Encoded: content))
        #expect(
            String(decoding: try ConfigArchive.unpack(Array(archive)), as: UTF8.self).contains(
                "<hostname>nxr-tgz1</hostname>"))
        let edit =
            "<edit-config><target><running/></target><config><system xmlns=\"\(SimModel.namespace)\"><hostname>changed</hostname></system></config></edit-config>"
        _ = try await SSHNetconf.run(fleet, device, [edit])
        let restore = try await SSHNetconf.run(
            fleet, device,
            [
                SSHNetconf.vendor(
                    "<config-restore NXR><format>tgz</format><content>\(content)</content></config-restore>")
            ],
            close: false)
        #expect(restore.stdout.contains(">true</rebooting>"), "\(restore.stdout)")
        #expect(try await SSHNetconf.eventually { try await device.snapshot().get().bootCount == 2 })
        let running = try await device.runningTree().get()
        #expect(running.child("system", namespace: SimModel.namespace)?.child("hostname")?.text == "nxr-tgz1")
    }

    @Test func aShowConfigBackupRestoresOnTheDevice() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "showcfg1", rebootDelay: 0.2)
        let original = try await device.runningTree().get()
        let backup = try await SSHNetconf.run(
            fleet, device, [SSHNetconf.vendor("<config-backup NXR><format>show-config</format></config-backup>")])
        let content = try #require(
            backup.stdout.components(separatedBy: "<content xmlns=\"\(SimModel.namespace)\">").dropFirst().first?
                .components(separatedBy: "</content>").first)
        let text = String(decoding: try #require(Data(base64Encoded: content)), as: UTF8.self)
        #expect(text.contains("hostname nxr-showcfg1"), "\(text)")
        // The text reads back into exactly the running configuration.
        let parsed = try ShowConfigText.parse(text, namespace: SimModel.namespace)
        #expect(parsed == original.elements)
        let edit =
            "<edit-config><target><running/></target><config><system xmlns=\"\(SimModel.namespace)\"><hostname>changed</hostname></system></config></edit-config>"
        _ = try await SSHNetconf.run(fleet, device, [edit])
        let restore = try await SSHNetconf.run(
            fleet, device,
            [
                SSHNetconf.vendor(
                    "<config-restore NXR><format>show-config</format><content>\(content)</content></config-restore>")
            ],
            close: false)
        #expect(restore.stdout.contains(">true</rebooting>"), "\(restore.stdout)")
        #expect(try await SSHNetconf.eventually { try await device.snapshot().get().bootCount == 2 })
        let running = try await device.runningTree().get()
        #expect(running.child("system", namespace: SimModel.namespace)?.child("hostname")?.text == "nxr-showcfg1")
    }

    @Test func brokenShowConfigTextIsRefusedWithItsLine() {
        #expect(throws: ShowConfigText.Failure.self) {
            _ = try ShowConfigText.parse("system\n hostname a\n", namespace: SimModel.namespace)  // no exit
        }
        #expect(throws: ShowConfigText.Failure.self) {
            _ = try ShowConfigText.parse("hostname a\nexit\nexit\n", namespace: SimModel.namespace)  // stray exit
        }
        #expect(throws: ShowConfigText.Failure.self) {
            _ = try ShowConfigText.parse("system\n   hostname a\nexit\n", namespace: SimModel.namespace)  // indent
        }
    }
}
