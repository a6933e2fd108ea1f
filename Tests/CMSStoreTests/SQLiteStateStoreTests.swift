import CMSModel
import CMSReconcile
import CMSStore
import Foundation
import Testing

private let t0 = Timestamp.seconds(1_800_000_000)

private func sampleDevice(_ code: String, tenant: String = "acme") -> DeviceRecord {
    var sync = DeviceSyncState(at: t0)
    sync.started(revision: "r1", at: t0 + .seconds(1))
    sync.finished(
        ReconcileRecord(
            started: t0 + .seconds(1), finished: t0 + .seconds(2), revision: "r1", outcome: .applied,
            parts: ["baseline"], message: "applied 3 changes"))
    sync.failed(
        ReconcileRecord(
            started: t0 + .seconds(5), finished: t0 + .seconds(6), revision: "r2", outcome: .failed,
            message: "commit failed: in-use"),
        errorClass: .retry, nextRetry: t0 + .seconds(10))
    return DeviceRecord(
        tenant: tenant, code: code, hostKey: "SHA256:abc", serial: "98765432101", sync: sync,
        identity: DeviceIdentity(
            cpeID: code, serial: "98765432101", product: "NXR-230", hostname: "gw",
            firmwareVersion: "21.7.1"),
        lastAddress: "127.0.0.1:8301")
}

@Suite("SQLite state store")
struct SQLiteStateStoreTests {
    @Test("is durable: WAL journal with synchronous=FULL, in its own file in the data folder")
    func durability() async throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStateStore(dataFolder: directory.path)
        #expect(try await store.pragma("journal_mode") == "wal")
        #expect(try await store.pragma("synchronous") == "2")  // FULL
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("state.sqlite").path))
    }

    @Test("device records round-trip, are listed per tenant by code, replaced and deleted")
    func devices() async throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStateStore(path: directory.appendingPathComponent("state.sqlite").path)
        let b = sampleDevice("nxr-b")
        try await store.save(b)
        try await store.save(sampleDevice("nxr-a"))
        try await store.save(sampleDevice("nxr-a", tenant: "other"))
        #expect(try await store.devices(tenant: "acme") == [sampleDevice("nxr-a"), b])
        var changed = b
        changed.hostKey = "SHA256:new"
        changed.sync.finished(
            ReconcileRecord(started: t0 + .seconds(20), finished: t0 + .seconds(21), revision: "r2", outcome: .applied))
        try await store.save(changed)
        #expect(try await store.devices(tenant: "acme").last == changed)
        try await store.deleteDevice(tenant: "acme", code: "nxr-a")
        try await store.deleteDevice(tenant: "acme", code: "never-there")
        #expect(try await store.devices(tenant: "acme").map(\.code) == ["nxr-b"])
        #expect(try await store.devices(tenant: "other").map(\.code) == ["nxr-a"])
        #expect(try await store.devices(tenant: "nobody").isEmpty)
    }

    @Test("tenant records round-trip and are replaced")
    func tenants() async throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStateStore(dataFolder: directory.path)
        #expect(try await store.tenant("acme") == nil)
        try await store.save(TenantRecord(code: "acme", lastAppliedRevision: nil, lastAttemptedRevision: "r1"))
        try await store.save(TenantRecord(code: "acme", lastAppliedRevision: "r1", lastAttemptedRevision: "r2"))
        #expect(
            try await store.tenant("acme")
                == TenantRecord(
                    code: "acme", lastAppliedRevision: "r1",
                    lastAttemptedRevision: "r2"))
    }

    @Test("everything survives closing and reopening the file")
    func reopen() async throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let store = try SQLiteStateStore(dataFolder: directory.path)
            try await store.save(sampleDevice("nxr-1"))
            try await store.save(TenantRecord(code: "acme", lastAppliedRevision: "r9"))
            let id = try await store.beginApply(
                ApplyIntent(tenant: "acme", device: "nxr-1", revision: "r9", started: t0))
            try await store.endApply(id)
        }
        let reopened = try SQLiteStateStore(dataFolder: directory.path)
        #expect(try await reopened.devices(tenant: "acme") == [sampleDevice("nxr-1")])
        #expect(try await reopened.tenant("acme")?.lastAppliedRevision == "r9")
        #expect(try await reopened.openApplies().isEmpty)
    }

    @Test("an apply begun and never ended is open after a crash and reopen")
    func openAppliesAfterCrash() async throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let crashed = try SQLiteStateStore(dataFolder: directory.path)
        let done = try await crashed.beginApply(
            ApplyIntent(tenant: "acme", device: "nxr-1", revision: "r1", started: t0))
        let midApply = try await crashed.beginApply(
            ApplyIntent(tenant: "acme", device: "nxr-2", revision: "r2", started: t0 + .seconds(3)))
        try await crashed.endApply(done)
        // The "crashed" instance is never closed cleanly; a new process opens the same file.
        let restarted = try SQLiteStateStore(dataFolder: directory.path)
        let open = try await restarted.openApplies()
        #expect(
            open == [
                ApplyIntent(
                    id: midApply, tenant: "acme", device: "nxr-2", revision: "r2",
                    started: t0 + .seconds(3))
            ])
        try await restarted.endApply(midApply)
        #expect(try await restarted.openApplies().isEmpty)
        // Ids are never reused.
        let next = try await restarted.beginApply(
            ApplyIntent(tenant: "acme", device: "nxr-2", revision: "r3", started: t0))
        #expect(next > midApply)
        _ = crashed
    }

    @Test("an unreadable record is a typed error naming the device, not a crash")
    func corrupt() async throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("state.sqlite").path
        let store = try SQLiteStateStore(path: path)
        try await store.save(sampleDevice("nxr-1"))
        try await store.save(TenantRecord(code: "acme"))
        // Damage the records from outside, as another program (or a bad disk) would.
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        python.arguments = [
            "-c",
            """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("UPDATE device SET record = '{\\"tenant\\": 1}'")
            db.execute("UPDATE tenant SET record = 'not json'")
            db.commit()
            """,
            path,
        ]
        try python.run()
        python.waitUntilExit()
        try #require(python.terminationStatus == 0)
        do {
            _ = try await store.devices(tenant: "acme")
            Issue.record("expected an error")
        } catch let error as SQLiteStateStoreError {
            guard case .corruptDevice(let tenant, let code, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(tenant == "acme" && code == "nxr-1")
            #expect(error.description.contains("nxr-1"))
        }
        await #expect(throws: SQLiteStateStoreError.self) { _ = try await store.tenant("acme") }
    }
}
