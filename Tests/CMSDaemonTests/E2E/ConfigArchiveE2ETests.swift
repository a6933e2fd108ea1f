import CMSAPI
import CMSDaemon
import CMSModel
import CMSReconcile
import ConfigArchive
import Foundation
import NETCONF
import NXRSim
import TestSupport
import Testing

/// The config archive end to end on loopback (issue 12): a real git repository, an in-process cmsd, an NXRSim
/// fleet answering the config-backup / config-restore RPCs, rebooting and announcing with a new boot id.
@Suite(.serialized, .tags(.peer)) struct ConfigArchiveE2ETests {
    static let tenant = ReconcileHarness.tenant
    static let nxr = "urn:cms:nxr:1.0"

    static func head(_ harness: ReconcileHarness) throws -> String {
        try harness.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// An out-of-band edit of `ethernet1`'s description (not managed by the baselines).
    static func describe(_ value: String) -> [XMLElement] {
        [
            XMLElement(
                "interfaces", namespace: nxr,
                elements: [
                    XMLElement(
                        "interface", namespace: nxr,
                        elements: [
                            XMLElement("name", namespace: nxr, text: "ethernet1"),
                            XMLElement("description", namespace: nxr, text: value),
                        ])
                ])
        ]
    }

    static func autoConfigOn() -> [XMLElement] {
        [
            XMLElement(
                "netconf-server", namespace: nxr, elements: [XMLElement("auto-config", namespace: nxr, text: "true")])
        ]
    }

    static func text(_ file: ConfigFile) -> String {
        String(decoding: Data(base64Encoded: file.contentBase64) ?? Data(), as: UTF8.self)
    }

    @Test func pullInAllThreeFormatsReadsBackIdenticalAndADeviceSideChangeIsACommitWithADiff() async throws {
        let harness = try ReconcileHarness()
        defer { Task { await harness.stop() } }
        try await harness.start()
        let head = try Self.head(harness)
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: head) })
        let daemon = try #require(harness.daemon)
        for format in ["xml", "show-config", "tgz"] {
            let pulled = try await daemon.configPull(Self.tenant, device: "nxr01", format: format, user: "alice")
            let revision = try #require(pulled.revision)
            let shown = try await daemon.configShow(Self.tenant, device: "nxr01", format: format, revision: revision)
            #expect(pulled.size > 0)
            #expect(shown.contentBase64 == pulled.contentBase64, "\(format) reads back identical from the archive")
        }
        let xml = Self.text(try await daemon.configShow(Self.tenant, device: "nxr01", format: "xml", revision: nil))
        #expect(xml.contains("<mtu>1454</mtu>"), "the archive holds the running config as the device reports it")
        let secrets = xml.components(separatedBy: "<pre-shared-key>").count + xml.components(separatedBy: "<secret>").count
        let markers =
            xml.components(separatedBy: "<pre-shared-key>cms-redacted:hmac-sha256:").count
            + xml.components(separatedBy: "<secret>cms-redacted:hmac-sha256:").count
        #expect(secrets == markers && xml.contains("cms-redacted:hmac-sha256:"), "no secret of the device in clear")
        let tgz = try await daemon.configShow(Self.tenant, device: "nxr01", format: "tgz", revision: nil)
        #expect(Data(base64Encoded: tgz.contentBase64)?.prefix(2) == Data([0x1f, 0x8b]), "tgz is kept as binary")
        let started = try await harness.events(.configBackupStarted).filter { $0.device == "nxr01" && $0.user == "alice" }
        #expect(started.count == 3)
        let succeeded = try await harness.events(.configBackupSucceeded).filter { $0.device == "nxr01" && $0.user == "alice" }
        #expect(succeeded.count == 3)

        // A change made on the device (console): its notification makes an archive commit, and the diff shows it.
        let sim = try #require(harness.fleet.device("nxr01"))
        #expect(try await sim.changeOutOfBand(Self.describe("changed on the console")).get().isEmpty)
        // (IPsec peers may still settle meanwhile, each an archive commit of its own: the console's commit is the one
        // named "changed on the device", compared with the device's revision before it.)
        @Sendable func consoleDiff() async throws -> ConfigDiff? {
            let entries = try await daemon.configLog(Self.tenant, device: "nxr01", limit: 20).entries
            for index in entries.indices.dropLast() where entries[index].subject == "nxr01: running config changed on the device" {
                let diff = try await daemon.configDiff(
                    Self.tenant, device: "nxr01", from: entries[index + 1].revision, to: entries[index].revision)
                if diff.text.contains("changed on the console") { return diff }
            }
            return nil
        }
        #expect(await eventuallyTrue { try await consoleDiff() != nil }, "a device-change commit holds the console's change")
        let diff = try #require(try await consoleDiff())
        #expect(diff.text.contains("diff --git a/nxr01/"))
        #expect(diff.text.contains("+") && diff.text.contains("changed on the console"), "\(diff.text)")
        #expect(diff.text.contains("-") && diff.text.contains("WAN"), "\(diff.text)")
        // Nothing changed since: no new commit for a re-read.
        let count = try await daemon.configLog(Self.tenant, device: "nxr01", limit: 100).entries.count
        let again = try await daemon.configPull(Self.tenant, device: "nxr01", format: "xml", user: "alice")
        #expect(!again.changed)
        #expect(try await daemon.configLog(Self.tenant, device: "nxr01", limit: 100).entries.count == count)
    }

    @Test func restoreFromTheArchiveRebootsTheDeviceVerifiesItAndConverges() async throws {
        let harness = try ReconcileHarness()
        defer { Task { await harness.stop() } }
        try await harness.start()
        let head = try Self.head(harness)
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: head) })
        let daemon = try #require(harness.daemon)
        let good = try #require(
            try await daemon.configPull(Self.tenant, device: "nxr02", format: "xml", user: "alice").revision)
        let sim = try #require(harness.fleet.device("nxr02"))
        #expect(try await sim.changeOutOfBand(Self.describe("broken by hand")).get().isEmpty)
        #expect(
            await eventuallyTrue {
                try await daemon.configLog(Self.tenant, device: "nxr02", limit: 1).entries.first?.subject
                    == "nxr02: running config changed on the device"
            })
        let boots = try await sim.snapshot().get().bootCount
        let accepted = try await daemon.configRestore(
            Self.tenant, device: "nxr02", request: ConfigRestoreRequest(format: "xml", archiveRevision: good),
            user: "bob")
        #expect(accepted.source == "archive \(good)")
        #expect(accepted.message.contains("reboot"))
        let back = await eventuallyTrue {
            try await harness.events(.configBackupSucceeded).contains {
                $0.device == "nxr02" && $0.details["reason"] == "restore"
            }
        }
        let trail = try await harness.events().filter { $0.device == "nxr02" }.map { "\($0.type.rawValue) \($0.details)" }
        #expect(back, "\(trail)")
        let subjects = try await daemon.configLog(Self.tenant, device: "nxr02", limit: 10).entries.map(\.subject)
        #expect(subjects.contains("nxr02: running config after a restore"), "\(subjects)")
        #expect(try await sim.snapshot().get().bootCount > boots, "the device rebooted into the restored config")
        #expect(try await harness.interfaceLeaf("nxr02", "ethernet1", "description") == "WAN")
        let restoreStarted = try await harness.events(.configRestoreStarted).filter { $0.device == "nxr02" }
        #expect(restoreStarted.map(\.user) == ["bob"])
        let transferred = try await harness.events(.configRestoreSucceeded).filter { $0.device == "nxr02" }
        #expect(transferred.count == 1 && transferred.first?.details["rebooting"] == "true")
        #expect(try await harness.events(.configRestoreFailed).filter { $0.device == "nxr02" }.isEmpty)
        #expect(
            try await harness.events(.deviceDisconnected).filter { $0.device == "nxr02" }.isEmpty,
            "the ordered reboot raises no DOWN")
        let verified = try await harness.events(.configBackupSucceeded).filter {
            $0.device == "nxr02" && $0.details["reason"] == "restore"
        }
        #expect(verified.count == 1 && verified.first?.user == "bob")
        #expect(verified.first?.details["verified"] == "running config matches the restored file")
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: head) })
    }

    @Test func autoConfigAtBootWithAndWithoutSaveMissingFileAndOncePerBoot() async throws {
        let harness = try ReconcileHarness()
        defer { Task { await harness.stop() } }
        try await harness.start()
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: try Self.head(harness)) })
        let daemon = try #require(harness.daemon)
        // Auto-config files made from the devices' own configs, with a mark (and auto-config disabled, as the guide
        // asks: a file that keeps it enabled would auto-configure at every boot).
        for (device, save) in [("nxr01", false), ("nxr02", true)] {
            let xml = Self.text(try await daemon.configPull(Self.tenant, device: device, format: "xml", user: "alice"))
            #expect(xml.contains("<description>WAN</description>"))
            try harness.write(
                "configs/\(device)/auto.xml",
                xml.replacingOccurrences(of: "<description>WAN</description>", with: "<description>auto-\(device)</description>"))
            let yaml = harness.repo.appendingPathComponent("devices/\(device).yaml")
            try (try String(contentsOf: yaml, encoding: .utf8)
                + "  - file: auto.xml\n    type: xml\n    autoConfig: true\n    autoConfigSave: \(save)\n")
                .write(to: yaml, atomically: true, encoding: .utf8)
        }
        let head = try harness.commit("auto-config files for nxr01 and nxr02", author: "Carol")
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: head) })
        var boots: [String: Int] = [:]
        for device in ["nxr01", "nxr02", "nxr03"] {
            let sim = try #require(harness.fleet.device(device))
            #expect(try await sim.changeOutOfBand(Self.autoConfigOn()).get().isEmpty)
            boots[device] = try await sim.snapshot().get().bootCount
            try await sim.rebootNow().get()
        }
        #expect(
            await eventuallyTrue(timeout: .seconds(60)) {
                let first = try await harness.interfaceLeaf("nxr01", "ethernet1", "description")
                let second = try await harness.interfaceLeaf("nxr02", "ethernet1", "description")
                return first == "auto-nxr01" && second == "auto-nxr02"
            })
        #expect(
            await eventuallyTrue(timeout: .seconds(60)) {
                try await harness.events(.autoConfigNotRegistered).contains { $0.device == "nxr03" }
            })
        let started = try await harness.events(.autoConfigStarted)
        let savedStarted = try await harness.events(.autoConfigSaveStarted)
        #expect(started.map(\.device) == ["nxr01"])
        #expect(savedStarted.map(\.device) == ["nxr02"])
        #expect(started.first?.details["file"] == "auto.xml")
        #expect(started.first?.user?.contains("Carol") == true, "the revision's author: \(started.first?.user ?? "-")")
        // Each rebooted twice: the boot that announced auto-config, then into the file.
        let bootsBefore = boots
        for device in ["nxr01", "nxr02"] {
            let sim = try #require(harness.fleet.device(device))
            let before = bootsBefore[device] ?? 0
            #expect(
                await eventuallyTrue(timeout: .seconds(30)) {
                    try await sim.snapshot().get().bootCount >= before + 2
                })
        }
        // With save the file is the startup config too; without, the startup config is the old one.
        let sims = harness.folder.appendingPathComponent("sims")
        // (nxr01 never saved a startup config: none, or the factory one.)
        let startup01 = (try? String(contentsOf: sims.appendingPathComponent("nxr01/startup.xml"), encoding: .utf8)) ?? ""
        let startup02 = try String(contentsOf: sims.appendingPathComponent("nxr02/startup.xml"), encoding: .utf8)
        #expect(!startup01.contains("auto-nxr01"))
        #expect(startup02.contains("auto-nxr02"))
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: head) })
        #expect(try await harness.events(.autoConfigFailed).isEmpty)

        // A second connection in the same boot (the session dropped; the device announces again): not again.
        let nxr03 = try #require(harness.fleet.device("nxr03"))
        let opened = try await nxr03.snapshot().get().sessionsOpened
        var faults = DeviceFaults()
        faults.dropSessionMidRPC = true
        try await nxr03.setFaults(faults).get()
        _ = try? await daemon.configPull(Self.tenant, device: "nxr03", format: "xml", user: "alice")
        try await nxr03.setFaults(DeviceFaults()).get()
        try await nxr03.announceNow().get()
        #expect(
            await eventuallyTrue(timeout: .seconds(30)) {
                let sessions = try await nxr03.snapshot().get().sessionsOpened
                let state = try await harness.summaries().first { $0.code == "nxr03" }?.state
                return sessions > opened && state == .connected
            })
        _ = try await daemon.configPull(Self.tenant, device: "nxr03", format: "xml", user: "alice")
        try await Task.sleep(for: .seconds(2))
        #expect(try await harness.events(.autoConfigNotRegistered).filter { $0.device == "nxr03" }.count == 1)
        #expect(try await harness.events(.autoConfigStarted).count == 1)
        #expect(try await harness.events(.autoConfigSaveStarted).count == 1)
    }

    @Test func aConfigGoesToAndComesBackFromAnSSHURLWithThePasswordOnlyAsASecretReference() async throws {
        let server = try SFTPServer()
        defer { server.stop() }
        setenv("CMS_CENTURY_SFTP_PASSWORD", server.password, 1)
        let harness = try ReconcileHarness()
        defer { Task { await harness.stop() } }
        try await harness.start()
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: try Self.head(harness)) })
        let daemon = try #require(harness.daemon)
        let url = server.url("backups/nxr03.config")
        let secret = "env:CMS_CENTURY_SFTP_PASSWORD"
        // (IPsec peers may still be settling: the upload and the inline read agree once they hold still.)
        let same = await eventuallyTrue {
            let uploaded = try await daemon.configPush(
                Self.tenant, device: "nxr03", format: "show-config", url: url, passwordSecret: secret, user: "dave")
            guard uploaded.source == url else { return false }
            let onServer = try String(
                contentsOf: server.files.appendingPathComponent("backups/nxr03.config"), encoding: .utf8)
            let pulled = Self.text(
                try await daemon.configPull(Self.tenant, device: "nxr03", format: "show-config", user: "dave"))
            // The archive's copy has its secrets redacted; the external file is the device's own.
            let key = try RedactionKey.loadOrCreate(path: harness.data + "/archive/century.redaction-key")
            return String(
                decoding: ConfigRedaction.redact(Array(onServer.utf8), format: .showConfig, key: key), as: UTF8.self)
                == pulled
        }
        #expect(same, "the device uploaded the same show-config it reports")
        #expect(server.log().contains("Accepted password for \(SFTPServer.user)"), "sshd really served it")

        let sim = try #require(harness.fleet.device("nxr03"))
        #expect(try await sim.changeOutOfBand(Self.describe("before the restore")).get().isEmpty)
        _ = try await daemon.configRestore(
            Self.tenant, device: "nxr03",
            request: ConfigRestoreRequest(format: "show-config", url: url, passwordSecret: secret), user: "dave")
        #expect(
            await eventuallyTrue {
                try await harness.events(.configBackupSucceeded).contains {
                    $0.device == "nxr03" && $0.details["reason"] == "restore"
                }
            })
        #expect(try await harness.interfaceLeaf("nxr03", "ethernet1", "description") == "WAN")
        let verified = try await harness.events(.configBackupSucceeded).first {
            $0.device == "nxr03" && $0.details["reason"] == "restore"
        }
        #expect(verified?.details["verified"] == "not compared (ssh:// source)")
        #expect(verified?.details["file"] == url)

        // A target the device cannot reach: config.backup-failed with the device's reason (and, below, no password).
        let closed = "ssh://\(SFTPServer.user)@127.0.0.1:\(try LoopbackPort.free())\(server.files.path)/unreachable.config"
        await #expect(throws: APIError.self) {
            try await daemon.configPush(
                Self.tenant, device: "nxr03", format: "show-config", url: closed, passwordSecret: secret, user: "dave")
        }
        let failed = try await harness.events(.configBackupFailed).filter { $0.device == "nxr03" && $0.user == "dave" }
        #expect(failed.count == 1)
        #expect(failed.first?.details["url"]?.hasSuffix("/unreachable.config") == true)
        #expect(failed.first?.details["error"]?.isEmpty == false)
        #expect(!FileManager.default.fileExists(atPath: server.files.appendingPathComponent("unreachable.config").path))

        // The password is in no event, not in the journal, and a reference outside the tenant is refused.
        for event in try await harness.events() {
            #expect(!event.message.contains(server.password) && !event.details.values.contains { $0.contains(server.password) })
        }
        let journal = String(
            decoding: FileManager.default.contents(atPath: harness.data + "/archive/century.journal.json") ?? Data(),
            as: UTF8.self)
        #expect(!journal.contains(server.password))
        await #expect(throws: APIError.self) {
            try await daemon.configPush(
                Self.tenant, device: "nxr03", format: "xml", url: url, passwordSecret: "env:HOME", user: "dave")
        }
        await #expect(throws: APIError.self) {
            try await daemon.configPush(
                Self.tenant, device: "nxr03", format: "xml", url: "ssh://cmsarchive:\(server.password)@127.0.0.1/x",
                passwordSecret: nil, user: "dave")
        }
    }
}
