import CMSModel
import CMSReconcile
import CMSStore
import Foundation
import Testing

/// The scheduler's ledger in SQLite: saved entries survive reopening the file (a new process), per tenant; a save
/// deletes and writes in one transaction.
@Suite("SQLite schedule ledger")
struct SQLiteScheduleLedgerTests {
    @Test func entriesSurviveReopeningAndAreKeptPerTenant() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fire = Timestamp.seconds(1_800_000_000)
        var nightly = ScheduleLedgerEntry(
            name: "nightly", fingerprint: "reboot|-|all|repeat|x", since: fire - .seconds(86_400), handled: fire,
            lastFire: fire)
        nightly.firing = fire
        let once = ScheduleLedgerEntry(name: "once", fingerprint: "f", since: fire, done: true)
        do {
            let ledger = try SQLiteScheduleLedger(dataFolder: folder.path)
            try await ledger.save(tenant: "century", entries: [nightly, once], removed: [])
            try await ledger.save(tenant: "other", entries: [once], removed: [])
        }
        let reopened = try SQLiteScheduleLedger(dataFolder: folder.path)
        #expect(try await reopened.entries(tenant: "century") == [nightly, once])
        #expect(try await reopened.entries(tenant: "other") == [once])
        var finished = nightly
        finished.firing = nil
        try await reopened.save(tenant: "century", entries: [finished], removed: ["once"])
        #expect(try await SQLiteScheduleLedger(dataFolder: folder.path).entries(tenant: "century") == [finished])
        #expect(try await reopened.entries(tenant: "other") == [once])
    }

    @Test func theScheduleConfigMapIsNilUntilSavedAndSurvivesReopeningPerTenant() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            let ledger = try SQLiteScheduleLedger(dataFolder: folder.path)
            #expect(try await ledger.scheduleConfigs(tenant: "century") == nil, "never saved: every flag is new")
            try await ledger.saveScheduleConfigs(tenant: "century", ["nxr01": "sched.xml", "nxr02": "b.config"])
            try await ledger.saveScheduleConfigs(tenant: "other", [:])
        }
        let reopened = try SQLiteScheduleLedger(dataFolder: folder.path)
        #expect(try await reopened.scheduleConfigs(tenant: "century") == ["nxr01": "sched.xml", "nxr02": "b.config"])
        #expect(try await reopened.scheduleConfigs(tenant: "other") == [:])
        try await reopened.saveScheduleConfigs(tenant: "century", ["nxr02": "b.config"])
        #expect(try await SQLiteScheduleLedger(dataFolder: folder.path).scheduleConfigs(tenant: "century") == ["nxr02": "b.config"])
    }
}
