import CMSModel
import Foundation
import GRDB

/// The event log in an SQLite file (WAL journal, `synchronous=FULL`: an append that returned is on
/// disk and survives a crash or power loss of the process).
///
/// One table `event`, indexed for the searches of SPEC §9 (period, per device / group / user, always
/// within one tenant). The schema evolves through ``migrator``; never edit a released migration.
public final class SQLiteEventStore: EventStore {
    let pool: DatabasePool

    /// Opens (creating if needed) the event log at `path` and brings its schema up to date.
    public init(path: String) throws {
        pool = try DurablePool.open(path: path, label: "cms.events")
        try Self.migrator.migrate(pool)
    }

    /// The schema migrations, in order.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-event") { db in
            // AUTOINCREMENT: ids are never reused, even after the log of a tenant is erased.
            try db.execute(
                sql: """
                    CREATE TABLE event (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        time INTEGER NOT NULL,
                        tenant TEXT NOT NULL,
                        type TEXT NOT NULL,
                        severity TEXT NOT NULL,
                        device TEXT,
                        "group" TEXT,
                        user TEXT,
                        revision TEXT,
                        message TEXT NOT NULL,
                        details TEXT NOT NULL DEFAULT '{}'
                    );
                    CREATE INDEX event_by_tenant_time ON event(tenant, time, id);
                    CREATE INDEX event_by_tenant_device ON event(tenant, device, time, id);
                    CREATE INDEX event_by_tenant_group ON event(tenant, "group", time, id);
                    CREATE INDEX event_by_tenant_user ON event(tenant, user, time, id);
                    """)
        }
        return migrator
    }

    @discardableResult
    public func append(_ events: [Event]) async throws -> [Event] {
        guard !events.isEmpty else { return [] }
        let rows = try events.map { event in (event, try Self.encodeDetails(event.details)) }
        return try await pool.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO event (time, tenant, type, severity, device, "group", user, revision, message, details)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            var stored: [Event] = []
            stored.reserveCapacity(rows.count)
            for (event, details) in rows {
                try statement.execute(arguments: [
                    event.time.microsecondsSince1970, event.tenant, event.type.rawValue, event.severity.rawValue,
                    event.device, event.group, event.user, event.revision, event.message, details,
                ])
                var copy = event
                copy.id = db.lastInsertedRowID
                stored.append(copy)
            }
            return stored
        }
    }

    public func search(_ query: EventQuery) async throws -> [Event] {
        let query = try query.validated()
        var conditions = ["tenant = ?"]
        var arguments: StatementArguments = [query.tenant]
        if let from = query.from {
            conditions.append("time >= ?")
            _ = arguments.append(contentsOf: [from.microsecondsSince1970])
        }
        if let to = query.to {
            conditions.append("time <= ?")
            _ = arguments.append(contentsOf: [to.microsecondsSince1970])
        }
        if let user = query.user {
            // As EventQuery.user(_:matches:): the whole user, the author's name, or the author's e-mail.
            conditions.append(
                "(user = ? OR substr(user, 1, length(?) + 2) = ? || ' <' OR substr(lower(user), -(length(?) + 2)) = '<' || lower(?) || '>')")
            _ = arguments.append(contentsOf: [user, user, user, user, user])
        }
        for (column, value) in [("device", query.device), ("\"group\"", query.group)] {
            if let value {
                conditions.append("\(column) = ?")
                _ = arguments.append(contentsOf: [value])
            }
        }
        let direction = query.order == .ascending ? "ASC" : "DESC"
        _ = arguments.append(contentsOf: [query.limit])
        let sql = """
            SELECT id, time, tenant, type, severity, device, "group", user, revision, message, details FROM event
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY time \(direction), id \(direction) LIMIT ?
            """
        let finalArguments = arguments
        return try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: finalArguments).map(Self.decode)
        }
    }

    /// Deletes every event of a tenant (a tenant restore erases its event log, SPEC §11).
    public func erase(tenant: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM event WHERE tenant = ?", arguments: [tenant])
        }
    }

    /// The result of `PRAGMA integrity_check`: `["ok"]` for a healthy file.
    public func integrityCheck() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    /// The value of a read-only pragma such as `journal_mode` or `synchronous` on a writer
    /// connection; nil for a name that is not a plain identifier.
    public func pragma(_ name: String) async throws -> String? {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "_") }) else { return nil }
        return try await pool.write { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }

    /// The query plan SQLite chooses for a search (to check the indexes are used).
    public func explain(_ query: EventQuery) async throws -> [String] {
        let query = try query.validated()
        var sql = "EXPLAIN QUERY PLAN SELECT id FROM event WHERE tenant = ?"
        var arguments: StatementArguments = [query.tenant]
        if let device = query.device {
            sql += " AND device = ?"
            _ = arguments.append(contentsOf: [device])
        }
        if let from = query.from {
            sql += " AND time >= ?"
            _ = arguments.append(contentsOf: [from.microsecondsSince1970])
        }
        sql += " ORDER BY time DESC, id DESC LIMIT 10"
        let finalArguments = arguments
        let finalSQL = sql
        return try await pool.read { db in
            try Row.fetchAll(db, sql: finalSQL, arguments: finalArguments).map { $0["detail"] as String? ?? "" }
        }
    }

    private static func encodeDetails(_ details: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(details), as: UTF8.self)
    }

    private static func decode(_ row: Row) throws -> Event {
        let id: Int64 = row["id"]
        let typeID: String = row["type"]
        let severityID: String = row["severity"]
        guard let type = EventType(rawValue: typeID) else {
            throw SQLiteEventStoreError.unknownEventType(id: id, type: typeID)
        }
        guard let severity = EventSeverity(rawValue: severityID) else {
            throw SQLiteEventStoreError.unknownSeverity(id: id, severity: severityID)
        }
        let detailsText: String = row["details"]
        let details: [String: String]
        do {
            details = try JSONDecoder().decode([String: String].self, from: Data(detailsText.utf8))
        } catch {
            throw SQLiteEventStoreError.corruptDetails(id: id)
        }
        return Event(
            id: id, time: Timestamp(microsecondsSince1970: row["time"]), tenant: row["tenant"], type: type,
            severity: severity, device: row["device"], group: row["group"], user: row["user"],
            revision: row["revision"], message: row["message"], details: details)
    }
}
