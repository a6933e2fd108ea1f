import CMSAPI
import CMSDaemon
import CMSModel
import Foundation
import NXRSim
import TestSupport
import Testing

/// Schedules carried out end to end (issue 13): the in-process daemon on loopback, a real git repository, the image
/// store and download server, and `nxr-sim` devices over SSH. A syslog schedule and a firmware schedule due at the
/// same minute run one after another, each exactly once: every device's syslog is kept, every device is flashed once
/// and comes back on the new version.
@Suite(.serialized, .tags(.peer)) struct ScheduleRunnerPeerTests {
    @Test func aSyslogAndAFirmwareScheduleDueTogetherEachFireExactlyOnceOnNXRSim() async throws {
        let h = try FirmwareHarness(count: 2)
        defer { Task { await h.stop() } }
        try await h.startDaemon()
        try await h.startFleet()
        #expect(await eventuallyTrue(timeout: .seconds(120)) { try await h.connectedCount() == h.count })
        let stored = try await h.addImage(try h.image(version: "6.0.1"))
        // The image is declared, not desired by any group: only the schedule updates the devices.
        try h.write(
            "firmware/v6.yaml",
            "apiVersion: cms/v1\nkind: Firmware\nname: v6\nproduct: \(h.product)\nversion: 6.0.1\nsha256: \(stored.sha256)\n")
        try h.write(
            "groups/all.yaml",
            "apiVersion: cms/v1\nkind: Group\nname: all\nmembers:\n" + h.codes.map { "  - device: \($0)\n" }.joined())
        // Both due at the first whole minute at least 20 s away (the tenant's zone is UTC).
        let due = (Int(Date().timeIntervalSince1970) + 20 + 59) / 60 * 60
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let at = utc.dateComponents([.hour, .minute], from: Date(timeIntervalSince1970: TimeInterval(due)))
        try FileManager.default.createDirectory(
            at: h.repo.appendingPathComponent("schedules"), withIntermediateDirectories: true)
        try h.write(
            "schedules/peer.yaml",
            """
            apiVersion: cms/v1
            kind: Schedule
            name: a-logs
            command: fetch-syslog
            target: all
            when: {hour: \(at.hour!), minute: \(at.minute!)}
            ---
            apiVersion: cms/v1
            kind: Schedule
            name: b-flash
            command: firmware-update
            firmware: v6
            target: {group: all}
            when: {hour: \(at.hour!), minute: \(at.minute!)}

            """)
        try h.commit("syslog and firmware by schedule")
        #expect(await eventuallyTrue(timeout: .seconds(30)) { try await h.events(.scheduleAdded).count == 2 })
        #expect(Int(Date().timeIntervalSince1970) < due, "the setup took too long for this run")

        // Syslog first (same minute, name order), then the firmware schedule's rollout.
        #expect(await eventuallyTrue(timeout: .seconds(120)) {
            try await h.events(.scheduleFirmwareUpdateAllStarted).count == 1
        })
        let fetched = try await h.events(.syslogFetchSucceeded)
        #expect(fetched.compactMap(\.device).sorted() == h.codes)
        #expect(fetched.allSatisfy { $0.user == "schedule:a-logs" })
        for code in h.codes {
            let files = try await h.daemon.syslogFiles(FirmwareHarness.tenant, device: code)
            #expect(files.files.count == 1, "\(code): \(files.files)")
        }
        let syslogStarted = try await h.events(.scheduleSyslogFetchAllStarted)
        #expect(syslogStarted.first?.details["started"] == "2")
        let flashStarted = try await h.events(.scheduleFirmwareUpdateAllStarted)
        #expect(flashStarted.first?.details["started"] == "2", "\(flashStarted.first?.details ?? [:])")
        let syslogTime = try #require(syslogStarted.first).time
        let flashTime = try #require(flashStarted.first).time
        #expect(syslogTime <= flashTime, "one after another")

        // Every device flashed once and back on 6.0.1.
        #expect(await eventuallyTrue(timeout: .seconds(120)) {
            try await h.events(.firmwareUpdateSucceeded).count == h.count
        })
        let sims = try await h.snapshots()
        for code in h.codes {
            #expect(sims[code]?.identity.firmwareVersion == "6.0.1", "\(code)")
            #expect(sims[code]?.firmwareFlashes == 1, "\(code) flashed exactly once")
        }
        #expect(try await h.events(.firmwareRolloutStarted).map(\.user) == ["schedule:b-flash"])
        #expect(try await h.events(.firmwareUpdateStarted).allSatisfy { $0.user == "schedule:b-flash" })
        // Exactly one fire each, for the due time; nothing more a few seconds on.
        try await Task.sleep(for: .seconds(3))
        let dueText = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(due)))
        let fired = try await h.events(.scheduleFired)
        #expect(fired.compactMap { $0.details["schedule"] }.sorted() == ["a-logs", "b-flash"])
        #expect(fired.allSatisfy { $0.details["due"] == dueText })
        #expect(try await h.snapshots().values.allSatisfy { $0.firmwareFlashes == 1 })
        #expect(try await h.events(.syslogFetchSucceeded).count == h.count)
    }
}
