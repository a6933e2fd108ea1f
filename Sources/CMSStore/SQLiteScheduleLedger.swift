import CMSModel
import CMSReconcile
import Foundation
import GRDB

/// The scheduler's ledger (``ScheduleLedgerStore``) in its own SQLite file, `<data>/schedules.sqlite`: one row per
/// tenant and schedule, its ``ScheduleLedgerEntry`` as JSON. Same durability as the other stores (WAL,
/// `synchronous=FULL`): a save that returned survives `kill -9` and power loss, which is what keeps a restart from
/// firing a due time twice.
public final class SQLiteScheduleLedger: ScheduleLedgerStore {
    public static let fileName = "schedules.sqlite"

    private let pool: DatabasePool

    public init(path: String) throws {
        pool = try DurablePool.open(path: path, label: "cms.schedules")
        try Self.migrator.migrate(pool)
    }

    public convenience init(dataFolder: String) throws {
        try self.init(path: URL(fileURLWithPath: dataFolder).appendingPathComponent(Self.fileName).path)
    }

    /// The schema migrations, in order. Never edit a released migration.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-schedule-ledger") { db in
            try db.execute(
                sql: """
                    CREATE TABLE schedule_ledger (
                        tenant TEXT NOT NULL,
                        name TEXT NOT NULL,
                        entry TEXT NOT NULL,
                        PRIMARY KEY (tenant, name)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v2-schedule-configs") { db in
            try db.execute(
                sql: """
                    CREATE TABLE schedule_configs (
                        tenant TEXT NOT NULL PRIMARY KEY,
                        map TEXT NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        return migrator
    }

    public func scheduleConfigs(tenant: String) async throws -> [String: String]? {
        let text: String? = try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT map FROM schedule_configs WHERE tenant = ?", arguments: [tenant])
        }
        guard let text else { return nil }
        do {
            return try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        } catch {
            throw SQLiteScheduleLedgerError.corrupt(tenant: tenant, name: "(schedule configs)", detail: "\(error)")
        }
    }

    public func saveScheduleConfigs(tenant: String, _ map: [String: String]) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(map), as: UTF8.self)
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO schedule_configs (tenant, map) VALUES (?, ?)", arguments: [tenant, text])
        }
    }

    public func entries(tenant: String) async throws -> [ScheduleLedgerEntry] {
        let rows: [(String, String)] = try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT name, entry FROM schedule_ledger WHERE tenant = ? ORDER BY name", arguments: [tenant]
            ).map { ($0["name"], $0["entry"]) }
        }
        return try rows.map { name, text in
            do {
                return try JSONDecoder().decode(ScheduleLedgerEntry.self, from: Data(text.utf8))
            } catch {
                throw SQLiteScheduleLedgerError.corrupt(tenant: tenant, name: name, detail: "\(error)")
            }
        }
    }

    public func save(tenant: String, entries: [ScheduleLedgerEntry], removed: [String]) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let rows = try entries.map { ($0.name, String(decoding: try encoder.encode($0), as: UTF8.self)) }
        try await pool.write { db in
            for name in removed {
                try db.execute(
                    sql: "DELETE FROM schedule_ledger WHERE tenant = ? AND name = ?", arguments: [tenant, name])
            }
            for (name, text) in rows {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO schedule_ledger (tenant, name, entry) VALUES (?, ?, ?)",
                    arguments: [tenant, name, text])
            }
        }
    }
}

/// A ledger row that cannot be read back.
public enum SQLiteScheduleLedgerError: Error, CustomStringConvertible {
    case corrupt(tenant: String, name: String, detail: String)

    public var description: String {
        switch self {
        case .corrupt(let tenant, let name, let detail):
            "schedule ledger row \(tenant)/\(name) is unreadable (\(detail)); delete it from schedules.sqlite to reset it"
        }
    }
}
