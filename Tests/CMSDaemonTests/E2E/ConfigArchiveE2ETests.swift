import CMSAPI
import CMSDaemon
import CMSModel
import CMSReconcile
import Foundation
import NETCONF
import NXRSim
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
        let tgz = try await daemon.configShow(Self.tenant, device: "nxr01", format: "tgz", revision: nil)
        #expect(Data(base64Encoded: tgz.contentBase64)?.prefix(2) == Data([0x1f, 0x8b]), "tgz is kept as binary")
        let started = try await harness.events(.configBackupStarted).filter { $0.device == "nxr01" && $0.user == "alice" }
        #expect(started.count == 3)
        let succeeded = try await harness.events(.configBackupSucceeded).filter { $0.device == "nxr01" && $0.user == "alice" }
        #expect(succeeded.count == 3)

        // A change made on the device (console): its notification makes an archive commit, and the diff shows it.
        let sim = try #require(harness.fleet.device("nxr01"))
        #expect(try await sim.changeOutOfBand(Self.describe("changed on the console")).get().isEmpty)
        #expect(
            await eventuallyTrue {
                try await daemon.configLog(Self.tenant, device: "nxr01", limit: 5).entries.first?.subject
                    == "nxr01: running config changed on the device"
            })
        let diff = try await daemon.configDiff(Self.tenant, device: "nxr01", from: nil, to: nil)
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
        #expect(
            await eventuallyTrue {
                try await daemon.configLog(Self.tenant, device: "nxr02", limit: 1).entries.first?.subject
                    == "nxr02: running config after a restore"
            })
        #expect(try await sim.snapshot().get().bootCount > boots, "the device rebooted into the restored config")
        #expect(try await harness.interfaceLeaf("nxr02", "ethernet1", "description") == "WAN")
        let restoreStarted = try await harness.events(.configRestoreStarted).filter { $0.device == "nxr02" }
        #expect(restoreStarted.map(\.user) == ["bob"])
        let transferred = try await harness.events(.configRestoreSucceeded).filter { $0.device == "nxr02" }
        #expect(transferred.count == 1 && transferred.first?.details["rebooting"] == "true")
        #expect(try await harness.events(.configRestoreFailed).filter { $0.device == "nxr02" }.isEmpty)
        let verified = try await harness.events(.configBackupSucceeded).filter {
            $0.device == "nxr02" && $0.details["reason"] == "restore"
        }
        #expect(verified.count == 1 && verified.first?.user == "bob")
        #expect(await eventuallyTrue(timeout: .seconds(60)) { await harness.converged(at: head) })
        #expect(
            try await daemon.configShow(Self.tenant, device: "nxr02", format: "xml", revision: nil).contentBase64
                == (try await daemon.configShow(Self.tenant, device: "nxr02", format: "xml", revision: good).contentBase64))
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
        #expect(started.first?.details["file"] == "auto.xml" && started.first?.user == "Carol")
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
        let startup01 = try String(contentsOf: sims.appendingPathComponent("nxr01/startup.xml"), encoding: .utf8)
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
}
