import CMSDaemon
import CMSModel
import CMSReconcile
import CMSStore
import Foundation
import Logging
import NETCONF
import NXRSimMemory
import TestSupport
import Testing

/// The schedule commands that run through other engines (issue 13), on an in-memory fleet with the manual clock:
/// syslog collection, config restore and the auto-config switch through the config archive, firmware updates
/// through the firmware engine — and what each validates at fire time (a device without a file flagged `schedule`,
/// an image gone from the store, an image without version), each with its catalogue event, never a crash.
@Suite(.tags(.core)) struct CoreScheduleRunnerTests {
    /// 2027-01-15 17:00 JST (the core harness's epoch); schedules at 17:01 and later.
    struct Rig {
        let harness: CoreHarness
        let scheduler: TenantScheduler
        let folder: URL
        let syslog: SyslogStore
        let firmware: FirmwareEngine?

        init(
            schedules: String, firmware withFirmware: Bool = false, ledger: any ScheduleLedgerStore = InMemoryScheduleLedger(),
            edit: (inout [String: String]) -> Void = { _ in }
        ) async throws {
            harness = try await CoreHarness(ipsec: false)
            harness.files.withLockedValue { files in
                for path in files.keys where path.hasPrefix("schedules/") { files[path] = nil }
                files["schedules/test.yaml"] = schedules
                edit(&files)
            }
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("core-sched-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try await harness.controller.attachArchive(dataFolder: folder.path)
            let clock = harness.clock
            let start = Timestamp.seconds(ScheduleCalendarTestsTime.utc("2027-01-15T08:00:00Z"))
            let now: @Sendable () -> Timestamp = { start + clock.now.offset }
            var logger = Logger(label: "schedule-runner")
            logger.logLevel = .critical
            if withFirmware {
                let engine = FirmwareEngine(
                    tenant: CoreHarness.tenant,
                    journal: try SQLiteFirmwareJournal(path: folder.appendingPathComponent("firmware.sqlite").path),
                    store: try FirmwareImageStore(dataFolder: folder.path, tenant: CoreHarness.tenant),
                    events: harness.events, clock: clock, now: now, logger: logger)
                await harness.controller.setFirmware(engine)
                firmware = engine
            } else {
                firmware = nil
            }
            let store = SyslogStore(dataFolder: folder.path, tenant: CoreHarness.tenant)
            syslog = store
            let collector = SyslogCollector(
                controller: harness.controller, store: store, diagnostics: Diagnostics(settings: DiagnosticsSettings()))
            scheduler = TenantScheduler(
                controller: harness.controller, ledger: ledger, events: harness.events, clock: clock, now: now,
                runners: .standard(syslog: { _ in collector }), recheck: .seconds(3600), logger: logger)
        }

        func start() async throws {
            await scheduler.start()
            let revision = try await harness.start()
            let converged = await harness.settle { await harness.converged(at: revision) }
            let description = converged ? "" : await harness.describe()
            #expect(converged, "\(description)")
        }

        func stop() async {
            await scheduler.shutdown()
            await firmware?.shutdown()
            await harness.stop()
            try? FileManager.default.removeItem(at: folder)
        }

        func events(_ type: EventType) async throws -> [Event] { try await harness.events(type) }

        func schedule(_ type: EventType, _ name: String) async throws -> [Event] {
            try await events(type).filter { $0.details["schedule"] == name }
        }

        /// Waits until `count` events of `type` are recorded (the manual clock drives everything; this only polls).
        func waitFor(_ type: EventType, count: Int) async -> Bool {
            await harness.settle { (try? await events(type).count) ?? 0 >= count }
        }

        func takeOffline(_ code: String) async {
            await harness.devices[code]!.setOnline(false)
            #expect(await harness.settle { await harness.controller.deviceState(code) != .connected })
        }
    }

    static func schedule(
        _ name: String, command: String, target: String = "{group: sched}", firmware: String? = nil, when: String
    ) -> String {
        """
        apiVersion: cms/v1
        kind: Schedule
        name: \(name)
        command: \(command)
        target: \(target)
        \(firmware.map { "firmware: \($0)\n" } ?? "")repeat: true
        when: \(when)
        ---

        """
    }

    /// A group `sched` of `members`, and for each of `flagged` a file `sched.xml` flagged `schedule: true` whose
    /// content is the device's factory configuration (what the in-memory device starts with).
    static func edit(
        _ harness: CoreHarness, members: [String], flagged: [String]
    ) async -> (inout [String: String]) -> Void {
        var contents: [String: String] = [:]
        for code in flagged {
            let running = await harness.devices[code]!.running
            contents[code] = XML.serialize(
                XMLElement("config", namespace: NETCONFNamespace.base, elements: running.elements), declaration: true)
        }
        let files = contents
        return { tree in
            tree["groups/sched.yaml"] =
                "apiVersion: cms/v1\nkind: Group\nname: sched\ntype: none\nmembers:\n"
                + members.map { "  - device: \($0)\n" }.joined()
            for (code, text) in files {
                tree["devices/\(code).yaml", default: ""] += "  - file: sched.xml\n    type: xml\n    schedule: true\n"
                tree["configs/\(code)/sched.xml"] = text
            }
        }
    }

    // MARK: - fetch-syslog

    @Test func aFetchSyslogScheduleKeepsTheSyslogOfEachConnectedTargetWithTheScheduleAsUser() async throws {
        let rig = try await Rig(
            schedules: Self.schedule("logs", command: "fetch-syslog", when: "{hour: 17, minute: 1}"),
            edit: { tree in
                tree["groups/sched.yaml"] =
                    "apiVersion: cms/v1\nkind: Group\nname: sched\ntype: none\nmembers:\n"
                    + ["ebisu", "nxr01", "nxr02", "nxr03"].map { "  - device: \($0)\n" }.joined()
            })
        try await rig.start()
        await rig.harness.devices["nxr01"]!.appendSyslog(["Jan 15 16:59:00 nxr01 ipsec: tunnel up"])
        await rig.takeOffline("nxr03")
        await rig.harness.advance(by: .seconds(60))
        #expect(await rig.waitFor(.scheduleSyslogFetchAllStarted, count: 1))
        #expect(try await rig.schedule(.scheduleSyslogFetchPreparing, "logs").count == 1)
        let started = try #require(try await rig.schedule(.scheduleSyslogFetchAllStarted, "logs").first)
        #expect(started.details["started"] == "3" && started.details["skipped"] == "1", "\(started.details)")
        let fetched = try await rig.events(.syslogFetchSucceeded)
        #expect(fetched.compactMap(\.device).sorted() == ["ebisu", "nxr01", "nxr02"])
        #expect(fetched.allSatisfy { $0.user == "schedule:logs" })
        #expect(try rig.syslog.list(device: "nxr01").count == 1)
        #expect(String(decoding: try rig.syslog.read(device: "nxr01", index: 1), as: UTF8.self).contains("tunnel up"))
        #expect(((try? rig.syslog.list(device: "nxr03")) ?? []).isEmpty, "a device not connected is skipped")
        #expect(
            try await rig.schedule(.scheduleAborted, "logs").contains {
                $0.device == "nxr03" && $0.details["reason"]?.contains("not connected") == true
            })
        // nxr03 is back (else a day of reconnection attempts floods the event log); the next day's fire keeps one
        // more file per device, nxr03's first; nothing fires in between.
        await rig.harness.devices["nxr03"]!.setOnline(true)
        try await rig.harness.announce("nxr03")
        #expect(await rig.harness.settle { await rig.harness.controller.deviceState("nxr03") == .connected })
        await rig.harness.advance(by: .seconds(23 * 3600 + 59 * 60))
        #expect(try await rig.events(.scheduleFired).count == 1)
        await rig.harness.advance(by: .seconds(60))
        #expect(await rig.waitFor(.scheduleSyslogFetchAllStarted, count: 2))
        #expect(try rig.syslog.list(device: "nxr01").count == 2)
        #expect(try rig.syslog.list(device: "nxr03").count == 1)
        await rig.stop()
    }

    @Test func editingAndDeletingSchedulesAreEventsAndAnEditedScheduleFiresAtItsNewTime() async throws {
        let rig = try await Rig(
            schedules: Self.schedule("logs", command: "fetch-syslog", when: "{hour: 17, minute: 1}")
                + Self.schedule("later", command: "reboot", when: "{hour: 18, minute: 0}"),
            edit: { tree in
                tree["groups/sched.yaml"] =
                    "apiVersion: cms/v1\nkind: Group\nname: sched\ntype: none\nmembers:\n  - device: nxr01\n"
            })
        try await rig.start()
        #expect(await rig.waitFor(.scheduleAdded, count: 2))
        #expect(try await rig.events(.scheduleAdded).compactMap { $0.details["schedule"] }.sorted() == ["later", "logs"])
        rig.harness.files.withLockedValue { files in
            files["schedules/test.yaml"] = Self.schedule("logs", command: "fetch-syslog", when: "{hour: 17, minute: 5}")
        }
        await rig.harness.commit("logs at 17:05, no evening reboot", author: "Carol")
        await rig.harness.controller.refresh()
        #expect(await rig.waitFor(.scheduleDeleted, count: 1))
        #expect(try await rig.events(.scheduleDeleted).map { $0.details["schedule"] } == ["later"])
        let changed = try await rig.events(.scheduleChanged)
        #expect(changed.map { $0.details["schedule"] } == ["logs"])
        await rig.harness.advance(by: .seconds(60))
        #expect(try await rig.events(.scheduleFired).isEmpty, "17:01 is no longer its time")
        await rig.harness.advance(by: .seconds(4 * 60))
        #expect(await rig.waitFor(.scheduleSyslogFetchAllStarted, count: 1))
        #expect(try await rig.events(.scheduleFired).map { $0.details["due"] } == ["2027-01-15T08:05:00Z"])
        await rig.stop()
    }

    // MARK: - restore-config

    @Test func aRestoreConfigScheduleRestoresTheFileFlaggedScheduleAndNamesDevicesWithoutOne() async throws {
        let probe = try await CoreHarness(ipsec: false)
        let edit = await Self.edit(probe, members: ["nxr01", "nxr02"], flagged: ["nxr01"])
        let rig = try await Rig(
            schedules: Self.schedule("restore", command: "restore-config", when: "{hour: 17, minute: 1}"), edit: edit)
        try await rig.start()
        await rig.harness.advance(by: .seconds(60))
        #expect(await rig.waitFor(.scheduleConfigRestoreAllStarted, count: 1))
        #expect(try await rig.schedule(.scheduleConfigRestorePreparing, "restore").count == 1)
        let started = try #require(try await rig.schedule(.scheduleConfigRestoreAllStarted, "restore").first)
        #expect(started.details["started"] == "1" && started.details["refused"] == "1", "\(started.details)")
        // nxr02 has no file flagged `schedule`: the catalogue's event, and nothing is sent to it.
        let missing = try await rig.events(.scheduleConfigNotRegistered)
        #expect(missing.map(\.device) == ["nxr02"])
        #expect(missing.first?.user == "schedule:restore")
        #expect(await rig.harness.devices["nxr02"]!.restores == 0)
        // nxr01 got the file through the archive's restore, and rebooted into it.
        #expect(await rig.harness.devices["nxr01"]!.restores == 1)
        #expect(await rig.harness.devices["nxr01"]!.reboots == 1)
        let restoreStarted = try await rig.events(.configRestoreStarted)
        #expect(restoreStarted.map(\.device) == ["nxr01"])
        #expect(restoreStarted.first?.user == "schedule:restore" && restoreStarted.first?.details["file"] == "sched.xml")
        #expect(try await rig.events(.configRestoreSucceeded).count == 1)
        // Back: the running config is compared with the file and archived with the verdict. The announcement goes
        // out once the daemon has seen the reboot end the session (on a loaded machine an announcement that arrives
        // while the agent still holds its old session is, rightly, no reason to reconnect).
        #expect(await rig.harness.settle {
            let state = await rig.harness.controller.deviceState("nxr01")
            return state != .connected && state != .communicating
        })
        try await rig.harness.announce("nxr01")
        #expect(await rig.harness.settle {
            (try? await rig.events(.configBackupSucceeded))?.contains { $0.details["reason"] == "restore" } == true
        })
        let verdict = try await rig.events(.configBackupSucceeded).first { $0.details["reason"] == "restore" }
        #expect(verdict?.details["verified"] == "running config matches the restored file", "\(verdict?.details ?? [:])")
        #expect(verdict?.user == "schedule:restore")
        await rig.stop()
    }

    // MARK: - switch-auto-config

    @Test func aSwitchAutoConfigScheduleSwitchesEveryTargetConnectedOrNotAndRebootsTheConnectedOnes() async throws {
        let probe = try await CoreHarness(ipsec: false)
        let edit = await Self.edit(probe, members: ["nxr01", "nxr02", "nxr03"], flagged: ["nxr01", "nxr03"])
        let rig = try await Rig(
            schedules: Self.schedule("switch", command: "switch-auto-config", when: "{hour: 17, minute: 1}"), edit: edit)
        try await rig.start()
        // The files flagged `schedule` are announced once, when the revision is adopted.
        #expect(await rig.harness.settle {
            (try? await rig.events(.scheduleConfigSelected))?.filter { $0.details["file"] == "sched.xml" }.count == 2
        })
        let selected = try await rig.events(.scheduleConfigSelected).filter { $0.details["file"] == "sched.xml" }
        #expect(selected.compactMap(\.device).sorted() == ["nxr01", "nxr03"])
        // nxr01 boots with auto-config enabled from now on; nxr03 is off.
        let ns = "urn:cms:nxr:1.0"
        let errors = await rig.harness.devices["nxr01"]!.changeOutOfBand([
            XMLElement("netconf-server", namespace: ns, elements: [XMLElement("auto-config", namespace: ns, text: "true")])
        ])
        #expect(errors.isEmpty, "\(errors)")
        await rig.takeOffline("nxr03")
        await rig.harness.advance(by: .seconds(60))
        #expect(await rig.waitFor(.scheduleAutoConfigRebootAllStarted, count: 1))
        #expect(try await rig.schedule(.scheduleAutoConfigRebootPreparing, "switch").count == 1)
        let started = try #require(try await rig.schedule(.scheduleAutoConfigRebootAllStarted, "switch").first)
        // Not connected is no reason to skip this command (SPEC §8): nxr03 is switched too, only nxr02 is refused.
        #expect(started.details["started"] == "2" && started.details["skipped"] == "0", "\(started.details)")
        #expect(try await rig.events(.scheduleConfigNotRegistered).map(\.device) == ["nxr02"])
        let journal = try #require(await rig.harness.controller.configArchiver()).journal
        #expect(await journal.autoConfigSelection("nxr03")?.file == "sched.xml")
        #expect(await journal.autoConfigSelection("nxr02") == nil)
        #expect(await rig.harness.devices["nxr01"]!.reboots == 1, "the connected target reboots")
        #expect(await rig.harness.devices["nxr03"]!.reboots == 0)
        #expect(await rig.waitFor(.deviceRebootStarted, count: 1))
        #expect(try await rig.events(.deviceRebootStarted).map(\.device) == ["nxr01"])
        // nxr01 boots and announces (signed): auto-config sends it the switched file, once, and the choice is used up.
        try await rig.harness.announce("nxr01", authenticated: true)
        #expect(await rig.waitFor(.autoConfigStarted, count: 1))
        let auto = try await rig.events(.autoConfigStarted)
        #expect(auto.first?.device == "nxr01" && auto.first?.details["file"] == "sched.xml")
        #expect(auto.first?.user == "schedule:switch")
        #expect(await rig.harness.settle { await rig.harness.devices["nxr01"]!.restores == 1 })
        #expect(await journal.autoConfigSelection("nxr01") == nil)
        #expect(await journal.autoConfigSelection("nxr03")?.file == "sched.xml", "kept until nxr03 boots")
        // The flag moves off nxr03 in a new revision: deselected, with its event (the pending choice names a file the
        // device no longer has, so its next auto-config boot gets its file flagged autoConfig, if any).
        rig.harness.files.withLockedValue { files in
            files["devices/nxr03.yaml"] = files["devices/nxr03.yaml"]!.replacingOccurrences(
                of: "  - file: sched.xml\n    type: xml\n    schedule: true\n", with: "")
            files["configs/nxr03/sched.xml"] = nil
        }
        await rig.harness.commit("no schedule config on nxr03", author: "Bob")
        await rig.harness.controller.refresh()
        #expect(await rig.waitFor(.scheduleConfigDeselected, count: 1))
        let deselected = try await rig.events(.scheduleConfigDeselected)
        #expect(deselected.first?.device == "nxr03" && deselected.first?.user?.hasPrefix("Bob") == true)
        await rig.stop()
    }

    // MARK: - firmware-update

    /// The example repository's desired firmware is dropped (no rollout of its own beside the schedules'); the
    /// NXR-120 catalogue is three images: one from the store (not added), one without version, one by URL.
    static func firmwareEdit(_ tree: inout [String: String]) {
        for path in tree.keys where path.hasPrefix("devices/") || path.hasPrefix("groups/") {
            var kept: [Substring] = []
            var inFirmware = false
            for line in tree[path]!.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("firmware:") {
                    inFirmware = line.trimmingCharacters(in: .whitespaces) == "firmware:"
                    continue
                }
                if inFirmware, line.hasPrefix("  ") { continue }
                inFirmware = false
                kept.append(line)
            }
            tree[path] = kept.joined(separator: "\n")
        }
        for path in tree.keys where path.hasPrefix("schedules/") && path != "schedules/test.yaml" { tree[path] = nil }
        func image(_ name: String, _ rest: String) -> String {
            "apiVersion: cms/v1\nkind: Firmware\nname: \(name)\nproduct: NXR-120\n\(rest)---\n"
        }
        tree["firmware/nxr120.yaml"] =
            image("stored-v6", "version: 6.0.0\nsha256: \(String(repeating: "a", count: 64))\n")
            + image("nover", "url: http://127.0.0.1:9/nover.bin\nsha256: \(String(repeating: "b", count: 64))\n")
            + image("url-v6", "version: 6.0.0\nurl: http://127.0.0.1:9/v6.bin\nsha256: \(String(repeating: "c", count: 64))\n")
        tree["groups/sched.yaml"] =
            "apiVersion: cms/v1\nkind: Group\nname: sched\ntype: none\nmembers:\n  - device: nxr01\n  - device: nxr02\n"
    }

    @Test func firmwareSchedulesCheckTheImageAtFireTimeAndHandTheUpdateToTheFirmwareEngineOnce() async throws {
        let rig = try await Rig(
            schedules: Self.schedule("flash-stored", command: "firmware-update", firmware: "stored-v6", when: "{hour: 17, minute: 1}")
                + Self.schedule("flash-nover", command: "firmware-update", firmware: "nover", when: "{hour: 17, minute: 2}")
                + Self.schedule("flash-url", command: "firmware-update", firmware: "url-v6", when: "{hour: 17, minute: 3}"),
            firmware: true, edit: Self.firmwareEdit)
        try await rig.start()
        // Adopted: the store has no image with stored-v6's sha256 — the schedule is left without firmware.
        #expect(await rig.waitFor(.scheduleChangedFirmwareDeleted, count: 1))
        let gone = try await rig.events(.scheduleChangedFirmwareDeleted)
        #expect(gone.map { $0.details["schedule"] } == ["flash-stored"])
        #expect(gone.first?.details["image"] == "stored-v6")
        // 17:01: not registered — no device is touched.
        await rig.harness.advance(by: .seconds(60))
        #expect(await rig.waitFor(.scheduleFirmwareUpdateAllStarted, count: 1))
        let notRegistered = try await rig.events(.scheduleFirmwareNotRegistered)
        #expect(notRegistered.map { $0.details["schedule"] } == ["flash-stored"])
        #expect(notRegistered.first?.details["reason"]?.contains("no longer in the image store") == true)
        #expect(try await rig.schedule(.scheduleFirmwareUpdateAllStarted, "flash-stored").first?.details["refused"] == "2")
        // 17:02: the image declares no version — unknown, nothing updated.
        await rig.harness.advance(by: .seconds(60))
        #expect(await rig.waitFor(.scheduleFirmwareUpdateAllStarted, count: 2))
        #expect(try await rig.events(.scheduleFirmwareVersionUnknown).map { $0.details["image"] } == ["nover"])
        #expect(try await rig.events(.firmwareRolloutStarted).isEmpty)
        // 17:03: a one-off rollout of url-v6 on the group's connected devices, recorded with the schedule.
        await rig.harness.advance(by: .seconds(60))
        #expect(await rig.waitFor(.scheduleFirmwareUpdateAllStarted, count: 3))
        #expect(try await rig.schedule(.scheduleFirmwareUpdatePreparing, "flash-url").count == 1)
        let rollouts = try await rig.events(.firmwareRolloutStarted)
        #expect(rollouts.count == 1)
        #expect(rollouts.first?.user == "schedule:flash-url" && rollouts.first?.details["image"] == "url-v6")
        #expect(rollouts.first?.details["count"] == "2")
        #expect(try await rig.schedule(.scheduleFirmwareUpdateAllStarted, "flash-url").first?.details["started"] == "2")
        // The engine carries it out under the tenant's rollout policy (its canary goes first; the in-memory device
        // cannot flash, so the canary's transfer fails and the policy holds the rest: nxr-sim flashes them all in
        // ScheduleRunnerPeerTests).
        for _ in 0..<5 { await rig.harness.advance(by: .seconds(1)) }
        let flashing = await rig.harness.settle {
            ((try? await rig.events(.firmwareUpdateStarted))?.filter { $0.user == "schedule:flash-url" }.count ?? 0) >= 1
        }
        var story = ""
        if !flashing {
            let all = try await rig.harness.events.search(EventQuery(tenant: CoreHarness.tenant, order: .ascending, limit: 10_000))
            story = all.filter { $0.type.rawValue.hasPrefix("firmware") || $0.type.rawValue.hasPrefix("schedule") }
                .map { "\($0.type.rawValue) \($0.device ?? "") \($0.user ?? "") \($0.details)" }.joined(separator: "\n")
        }
        #expect(flashing, "\(story)")
        // Nothing fires twice: an hour on, still one rollout and three fires.
        await rig.harness.advance(by: .seconds(3600))
        #expect(try await rig.events(.firmwareRolloutStarted).count == 1)
        #expect(try await rig.events(.scheduleFired).count == 3)
        await rig.stop()
    }
}
