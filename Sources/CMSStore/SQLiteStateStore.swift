import CMSModel
import CMSReconcile
import Foundation
import GRDB

/// The daemon's ``StateStore`` in its own SQLite file (`<data>/state.sqlite`), beside the event log.
///
/// Same durability as ``SQLiteEventStore``: WAL journal with `synchronous=FULL`, so a save that
/// returned survives a crash or power loss. Records are JSON columns (their Codable form) keyed by
/// tenant and code; apply intents are rows, deleted when the apply ends.
public final class SQLiteStateStore: StateStore {
    /// The file name inside the daemon's data folder.
    public static let fileName = "state.sqlite"

    let pool: DatabasePool

    /// Opens (creating if needed) the state store at `path` and brings its schema up to date.
    public init(path: String) throws {
        pool = try DurablePool.open(path: path, label: "cms.state")
        try Self.migrator.migrate(pool)
    }

    /// Opens `<dataFolder>/state.sqlite`.
    public convenience init(dataFolder: String) throws {
        try self.init(path: URL(fileURLWithPath: dataFolder).appendingPathComponent(Self.fileName).path)
    }

    /// The schema migrations, in order. Never edit a released migration.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-state") { db in
            try db.execute(
                sql: """
                    CREATE TABLE device (
                        tenant TEXT NOT NULL,
                        code TEXT NOT NULL,
                        record TEXT NOT NULL,
                        PRIMARY KEY (tenant, code)
                    ) WITHOUT ROWID;
                    CREATE TABLE tenant (
                        code TEXT NOT NULL PRIMARY KEY,
                        record TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE apply_intent (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        tenant TEXT NOT NULL,
                        device TEXT NOT NULL,
                        revision TEXT NOT NULL,
                        started INTEGER NOT NULL
                    );
                    CREATE INDEX apply_intent_by_device ON apply_intent(tenant, device);
                    """)
        }
        return migrator
    }

    public func devices(tenant: String) async throws -> [DeviceRecord] {
        let rows: [(code: String, text: String)] = try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT code, record FROM device WHERE tenant = ? ORDER BY code", arguments: [tenant]
            ).map { row in (row["code"], row["record"]) }
        }
        return try rows.map { code, text in
            do {
                return try JSONDecoder().decode(DeviceRecord.self, from: Data(text.utf8))
            } catch {
                throw SQLiteStateStoreError.corruptDevice(tenant: tenant, code: code, detail: "\(error)")
            }
        }
    }

    public func save(_ record: DeviceRecord) async throws {
        let text = try Self.encode(record)
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO device (tenant, code, record) VALUES (?, ?, ?)",
                arguments: [record.tenant, record.code, text])
        }
    }

    public func deleteDevice(tenant: String, code: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM device WHERE tenant = ? AND code = ?", arguments: [tenant, code])
        }
    }

    public func tenant(_ code: String) async throws -> TenantRecord? {
        let text = try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT record FROM tenant WHERE code = ?", arguments: [code])
        }
        guard let text else { return nil }
        do {
            return try JSONDecoder().decode(TenantRecord.self, from: Data(text.utf8))
        } catch {
            throw SQLiteStateStoreError.corruptTenant(code: code, detail: "\(error)")
        }
    }

    public func save(_ record: TenantRecord) async throws {
        let text = try Self.encode(record)
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO tenant (code, record) VALUES (?, ?)", arguments: [record.code, text])
        }
    }

    public func beginApply(_ intent: ApplyIntent) async throws -> Int64 {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO apply_intent (tenant, device, revision, started) VALUES (?, ?, ?, ?)",
                arguments: [intent.tenant, intent.device, intent.revision, intent.started.microsecondsSince1970])
            return db.lastInsertedRowID
        }
    }

    public func endApply(_ id: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM apply_intent WHERE id = ?", arguments: [id])
        }
    }

    public func openApplies() async throws -> [ApplyIntent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, tenant, device, revision, started FROM apply_intent ORDER BY id")
                .map { row in
                    ApplyIntent(
                        id: row["id"], tenant: row["tenant"], device: row["device"], revision: row["revision"],
                        started: Timestamp(microsecondsSince1970: row["started"]))
                }
        }
    }

    /// The value of a read-only pragma such as `journal_mode` or `synchronous` on the writer
    /// connection; nil for a name that is not a plain identifier.
    public func pragma(_ name: String) async throws -> String? {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "_") }) else { return nil }
        return try await pool.write { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }

    private static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
