import CMSModel
import CMSReconcile
import Foundation
import GRDB

/// One tenant's rows of a store, copied out for a backup and copied back on restore (docs/backup.md).
///
/// Export: SQLite's online backup API (GRDB `backup(to:)`) copies the whole store from a read snapshot while
/// `cmsd` keeps writing (WAL: readers never block the writer), then the copy keeps only the tenant's rows and is
/// vacuumed. Import: one write transaction deletes the tenant's rows and inserts the copy's, so the live store
/// holds the old rows or the new, never a mix; other tenants' rows are not touched. Blocking calls: run them on
/// a thread of their own, not on the Swift concurrency pool.
public enum TenantStoreCopy {
    /// The tables holding one tenant's rows, with the column naming the tenant.
    static let stateTables: [(table: String, column: String)] = [
        ("device", "tenant"), ("tenant", "code"), ("apply_intent", "tenant"),
    ]
    static let eventTables: [(table: String, column: String)] = [("event", "tenant")]

    /// What an exported copy holds.
    public struct Summary: Sendable, Hashable {
        public var rows: Int
        public var devices: Int
    }

    public static func exportState(_ store: SQLiteStateStore, tenant: String, to path: String) throws -> Summary {
        try export(store.pool, tables: stateTables, tenant: tenant, to: path)
    }

    public static func exportEvents(_ store: SQLiteEventStore, tenant: String, to path: String) throws -> Summary {
        try export(store.pool, tables: eventTables, tenant: tenant, to: path)
    }

    /// Checks a copy before anything is replaced: an SQLite file whose integrity check passes, with the store's
    /// tables, only rows of `tenant`, and device records that decode. Returns its device count.
    public static func checkState(at path: String, tenant: String) throws(StoreCopyError) -> Int {
        try check(at: path, tables: stateTables, tenant: tenant) { db in
            let rows = try Row.fetchAll(db, sql: "SELECT code, record FROM device")
            for row in rows {
                let text: String = row["record"]
                guard (try? JSONDecoder().decode(DeviceRecord.self, from: Data(text.utf8))) != nil else {
                    throw StoreCopyError.corrupt("device \(row["code"] as String? ?? "?") has an unreadable record")
                }
            }
            return rows.count
        }
    }

    public static func checkEvents(at path: String, tenant: String) throws(StoreCopyError) -> Int {
        try check(at: path, tables: eventTables, tenant: tenant) { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") ?? 0
        }
    }

    /// Replaces the tenant's state rows with the copy's, in one transaction.
    public static func importState(_ store: SQLiteStateStore, tenant: String, from path: String) throws {
        try replace(store.pool, tables: stateTables, tenant: tenant, from: path)
    }

    /// Replaces the tenant's event log with the copy's (an empty copy erases it, as SPEC §11 says a restore does).
    public static func importEvents(_ store: SQLiteEventStore, tenant: String, from path: String?) throws {
        try replace(store.pool, tables: eventTables, tenant: tenant, from: path)
    }

    // MARK: -

    private static func export(
        _ pool: DatabasePool, tables: [(table: String, column: String)], tenant: String, to path: String
    ) throws -> Summary {
        try? FileManager.default.removeItem(atPath: path)
        let copy = try DatabaseQueue(path: path)
        try pool.backup(to: copy)
        return try copy.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
            var rows = 0
            try db.inTransaction {
                for (table, column) in tables {
                    try db.execute(sql: "DELETE FROM \(table) WHERE \(column) != ?", arguments: [tenant])
                    rows += try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
                }
                return .commit
            }
            try db.execute(sql: "VACUUM")
            let devices = tables.contains { $0.table == "device" }
                ? try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM device") ?? 0 : 0
            return Summary(rows: rows, devices: devices)
        }
    }

    private static func check(
        at path: String, tables: [(table: String, column: String)], tenant: String,
        _ body: (Database) throws -> Int
    ) throws(StoreCopyError) -> Int {
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                let integrity = try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? ""
                guard integrity == "ok" else { throw StoreCopyError.corrupt("integrity check: \(integrity)") }
                for (table, column) in tables {
                    guard try db.tableExists(table) else { throw StoreCopyError.corrupt("no table \(table)") }
                    let others = try String.fetchOne(
                        db, sql: "SELECT \(column) FROM \(table) WHERE \(column) != ? LIMIT 1", arguments: [tenant])
                    if let others { throw StoreCopyError.otherTenant(others) }
                }
                return try body(db)
            }
        } catch let error as StoreCopyError {
            throw error
        } catch {
            throw StoreCopyError.corrupt("\(error)")
        }
    }

    private static func replace(
        _ pool: DatabasePool, tables: [(table: String, column: String)], tenant: String, from path: String?
    ) throws {
        try pool.writeWithoutTransaction { db in
            if let path { try db.execute(sql: "ATTACH DATABASE ? AS restored", arguments: [path]) }
            defer { if path != nil { try? db.execute(sql: "DETACH DATABASE restored") } }
            try db.inTransaction {
                for (table, column) in tables {
                    try db.execute(sql: "DELETE FROM main.\(table) WHERE \(column) = ?", arguments: [tenant])
                    if path != nil {
                        // Without row ids: AUTOINCREMENT ids are the server's own (another tenant may hold them).
                        let columns = try db.columns(in: table, in: "restored").map { "\"\($0.name)\"" }
                            .filter { $0 != "\"id\"" }.joined(separator: ", ")
                        try db.execute(
                            sql: "INSERT INTO main.\(table) (\(columns)) SELECT \(columns) FROM restored.\(table) WHERE \(column) = ?",
                            arguments: [tenant])
                    }
                }
                return .commit
            }
        }
    }
}

/// Why a store copy cannot be restored.
public enum StoreCopyError: Error, Sendable, Hashable, CustomStringConvertible {
    case corrupt(String)
    case otherTenant(String)

    public var description: String {
        switch self {
        case .corrupt(let detail): "the store copy is not usable: \(detail)"
        case .otherTenant(let tenant): "the store copy holds rows of tenant \(tenant)"
        }
    }
}
