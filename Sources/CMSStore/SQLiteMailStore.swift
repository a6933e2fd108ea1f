import CMSMail
import CMSModel
import Foundation
import GRDB

/// The mail queue and each tenant's alert policy in their own SQLite file (`<data>/mail.sqlite`), with the
/// durability of the other stores (WAL, `synchronous=FULL`): a save that returned survives `kill -9`.
///
/// The Message-ID is the primary key, so a mail is queued once; a mail is marked sent after the server
/// accepted it, so a crash in between sends it again with the same Message-ID (at-least-once, deduplicated by
/// the receiver) and never loses it.
public final class SQLiteMailStore: MailStore {
    public static let fileName = "mail.sqlite"

    private let pool: DatabasePool

    public init(path: String) throws {
        pool = try DurablePool.open(path: path, label: "cms.mail")
        try Self.migrator.migrate(pool)
    }

    public convenience init(dataFolder: String) throws {
        try self.init(path: URL(fileURLWithPath: dataFolder).appendingPathComponent(Self.fileName).path)
    }

    /// The schema migrations, in order. Never edit a released migration.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-mail") { db in
            try db.execute(
                sql: """
                    CREATE TABLE mail_policy (
                        tenant TEXT NOT NULL PRIMARY KEY,
                        policy TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE mail_queue (
                        message_id TEXT NOT NULL PRIMARY KEY,
                        tenant TEXT NOT NULL,
                        created INTEGER NOT NULL,
                        next_attempt INTEGER NOT NULL,
                        attempts INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        sender TEXT NOT NULL,
                        recipients TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        event_count INTEGER NOT NULL,
                        data BLOB NOT NULL,
                        last_error TEXT,
                        sent_at INTEGER,
                        server TEXT
                    );
                    CREATE INDEX mail_queue_by_status ON mail_queue(tenant, status, created);
                    """)
        }
        return migrator
    }

    public func policy(tenant: String) async throws -> AlertPolicy? {
        let text: String? = try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT policy FROM mail_policy WHERE tenant = ?", arguments: [tenant])
        }
        guard let text else { return nil }
        return try JSONDecoder().decode(AlertPolicy.self, from: Data(text.utf8))
    }

    public func save(tenant: String, policy: AlertPolicy?, enqueue mails: [QueuedMail]) async throws {
        let text = try policy.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        let rows = try mails.map { mail in
            (mail, String(decoding: try JSONEncoder().encode(mail.recipients), as: UTF8.self))
        }
        try await pool.write { db in
            if let text {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO mail_policy (tenant, policy) VALUES (?, ?)", arguments: [tenant, text])
            }
            for (mail, recipients) in rows {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO mail_queue (message_id, tenant, created, next_attempt, attempts, status,
                            sender, recipients, subject, event_count, data)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        mail.messageID, mail.tenant, mail.createdAt.microsecondsSince1970,
                        mail.nextAttempt.microsecondsSince1970, mail.attempts, mail.status.rawValue, mail.from,
                        recipients, mail.subject, mail.eventCount, Data(mail.data),
                    ])
            }
        }
    }

    public func pending(tenant: String) async throws -> [QueuedMail] {
        try await fetch(
            "SELECT * FROM mail_queue WHERE tenant = ? AND status = 'pending' ORDER BY created, message_id", [tenant])
    }

    public func sent(tenant: String, limit: Int) async throws -> [QueuedMail] {
        try await fetch(
            "SELECT * FROM mail_queue WHERE tenant = ? AND status = 'sent' ORDER BY sent_at DESC LIMIT ?",
            [tenant, limit])
    }

    public func markSent(messageID: String, server: String, at time: Timestamp) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE mail_queue SET status = 'sent', server = ?, sent_at = ?, last_error = NULL
                    WHERE message_id = ?
                    """,
                arguments: [server, time.microsecondsSince1970, messageID])
        }
    }

    public func markFailed(messageID: String, error: String, nextAttempt: Timestamp) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE mail_queue SET attempts = attempts + 1, last_error = ?, next_attempt = ?
                    WHERE message_id = ? AND status = 'pending'
                    """,
                arguments: [error, nextAttempt.microsecondsSince1970, messageID])
        }
    }

    public func markDropped(messageID: String, error: String, at time: Timestamp) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE mail_queue SET status = 'dropped', attempts = attempts + 1, last_error = ?, sent_at = ?
                    WHERE message_id = ? AND status = 'pending'
                    """,
                arguments: [error, time.microsecondsSince1970, messageID])
        }
    }

    public func dropped(tenant: String, limit: Int) async throws -> [QueuedMail] {
        try await fetch(
            "SELECT * FROM mail_queue WHERE tenant = ? AND status = 'dropped' ORDER BY sent_at DESC LIMIT ?",
            [tenant, limit])
    }

    private func fetch(_ sql: String, _ arguments: StatementArguments) async throws -> [QueuedMail] {
        let rows = try await pool.read { db in try Row.fetchAll(db, sql: sql, arguments: arguments) }
        return try rows.map { row in
            let recipients = try JSONDecoder().decode([String].self, from: Data((row["recipients"] as String).utf8))
            var mail = QueuedMail(
                messageID: row["message_id"], tenant: row["tenant"],
                createdAt: Timestamp(microsecondsSince1970: row["created"]),
                nextAttempt: Timestamp(microsecondsSince1970: row["next_attempt"]), from: row["sender"],
                recipients: recipients, subject: row["subject"], eventCount: row["event_count"],
                data: [UInt8](row["data"] as Data))
            mail.attempts = row["attempts"]
            mail.status = QueuedMail.Status(rawValue: row["status"]) ?? .pending
            mail.lastError = row["last_error"]
            mail.sentAt = (row["sent_at"] as Int64?).map(Timestamp.init(microsecondsSince1970:))
            mail.server = row["server"]
            return mail
        }
    }
}
