import CMSModel
import CMSReconcile
import Foundation
import GRDB

/// The firmware journal in its own SQLite file (`<data>/firmware.sqlite`): WAL with `synchronous=FULL`, so an
/// intent written before a firmware-update RPC survives `kill -9` and power loss (docs/firmware.md § Exactly once).
public final class SQLiteFirmwareJournal: FirmwareJournal {
    public static let fileName = "firmware.sqlite"
    private let pool: DatabasePool

    public init(path: String) throws {
        pool = try DurablePool.open(path: path, label: "cms.firmware")
        try Self.migrator.migrate(pool)
    }

    public convenience init(dataFolder: String) throws {
        try self.init(path: URL(fileURLWithPath: dataFolder).appendingPathComponent(Self.fileName).path)
    }

    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-firmware") { db in
            try db.execute(
                sql: """
                    CREATE TABLE rollout (
                        tenant TEXT NOT NULL,
                        id TEXT NOT NULL,
                        created INTEGER NOT NULL,
                        record TEXT NOT NULL,
                        PRIMARY KEY (tenant, id)
                    ) WITHOUT ROWID;
                    CREATE TABLE intent (
                        tenant TEXT NOT NULL,
                        device TEXT NOT NULL,
                        record TEXT NOT NULL,
                        PRIMARY KEY (tenant, device)
                    ) WITHOUT ROWID;
                    """)
        }
        return migrator
    }

    public func saveRollout(tenant: String, _ rollout: FirmwareRollout) async throws {
        let text = try Self.encode(rollout)
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO rollout (tenant, id, created, record) VALUES (?, ?, ?, ?)",
                arguments: [tenant, rollout.id, rollout.created.microsecondsSince1970, text])
        }
    }

    public func rollouts(tenant: String) async throws -> [FirmwareRollout] {
        let texts: [String] = try await pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT record FROM rollout WHERE tenant = ? ORDER BY created, id", arguments: [tenant])
        }
        return try texts.map { try JSONDecoder().decode(FirmwareRollout.self, from: Data($0.utf8)) }
    }

    public func deleteRollout(tenant: String, id: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM rollout WHERE tenant = ? AND id = ?", arguments: [tenant, id])
        }
    }

    public func openIntent(_ intent: FirmwareIntent) async throws {
        let text = try Self.encode(intent)
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO intent (tenant, device, record) VALUES (?, ?, ?)",
                arguments: [intent.tenant, intent.device, text])
        }
    }

    public func closeIntent(tenant: String, device: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM intent WHERE tenant = ? AND device = ?", arguments: [tenant, device])
        }
    }

    public func openIntents(tenant: String) async throws -> [FirmwareIntent] {
        let texts: [String] = try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT record FROM intent WHERE tenant = ? ORDER BY device", arguments: [tenant])
        }
        return try texts.map { try JSONDecoder().decode(FirmwareIntent.self, from: Data($0.utf8)) }
    }

    private static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}
