import CMSModel
import Foundation

/// A mail in the durable queue: the rendered message and its envelope, keyed by its stable `Message-ID`.
public struct QueuedMail: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Equatable, Codable {
        /// Not sent yet (maybe tried and failed on every server; see ``attempts``).
        case pending
        case sent
        /// Given up: no server accepted it within the mailer's expiry (docs/mail.md "Delivery").
        case dropped
    }

    /// Without angle brackets; the queue's key: a mail is enqueued once and sent once per key.
    public var messageID: String
    public var tenant: String
    public var createdAt: Timestamp
    public var nextAttempt: Timestamp
    public var attempts: Int
    public var status: Status
    public var from: String
    public var recipients: [String]
    public var subject: String
    /// How many monitor events the mail reports.
    public var eventCount: Int
    public var data: [UInt8]
    public var lastError: String?
    /// When it was accepted (``Status/sent``) or given up (``Status/dropped``).
    public var sentAt: Timestamp?
    /// The server that accepted it.
    public var server: String?

    public init(
        messageID: String, tenant: String, createdAt: Timestamp, nextAttempt: Timestamp, from: String,
        recipients: [String], subject: String, eventCount: Int, data: [UInt8]
    ) {
        self.messageID = messageID
        self.tenant = tenant
        self.createdAt = createdAt
        self.nextAttempt = nextAttempt
        self.attempts = 0
        self.status = .pending
        self.from = from
        self.recipients = recipients
        self.subject = subject
        self.eventCount = eventCount
        self.data = data
    }
}

/// The mail port's storage: the tenant's ``AlertPolicy`` (pending events, last mail, who is down) and the queue.
/// Saving the policy and enqueueing the mails it decided are one transaction, so a crash between the two cannot
/// lose a due alert nor queue one twice.
public protocol MailStore: Sendable {
    func policy(tenant: String) async throws -> AlertPolicy?
    /// Stores `policy` and adds `mails` (a mail whose Message-ID is already queued or sent is ignored).
    func save(tenant: String, policy: AlertPolicy?, enqueue mails: [QueuedMail]) async throws
    /// The tenant's pending mails, oldest first.
    func pending(tenant: String) async throws -> [QueuedMail]
    /// The newest sent mails, newest first.
    func sent(tenant: String, limit: Int) async throws -> [QueuedMail]
    func markSent(messageID: String, server: String, at time: Timestamp) async throws
    func markFailed(messageID: String, error: String, nextAttempt: Timestamp) async throws
    /// Gives a pending mail up (no server accepted it in time): it leaves the queue but keeps its row, so its
    /// Message-ID is never queued again.
    func markDropped(messageID: String, error: String, at time: Timestamp) async throws
    /// The newest dropped mails, newest first.
    func dropped(tenant: String, limit: Int) async throws -> [QueuedMail]
}

/// ``MailStore`` in memory, for tests.
public actor InMemoryMailStore: MailStore {
    private var policies: [String: AlertPolicy] = [:]
    private var mails: [String: QueuedMail] = [:]
    private var order: [String] = []

    public init() {}

    public func policy(tenant: String) -> AlertPolicy? { policies[tenant] }

    public func save(tenant: String, policy: AlertPolicy?, enqueue mails: [QueuedMail]) {
        if let policy { policies[tenant] = policy }
        for mail in mails where self.mails[mail.messageID] == nil {
            self.mails[mail.messageID] = mail
            order.append(mail.messageID)
        }
    }

    public func pending(tenant: String) -> [QueuedMail] {
        order.compactMap { mails[$0] }.filter { $0.tenant == tenant && $0.status == .pending }
    }

    public func sent(tenant: String, limit: Int) -> [QueuedMail] {
        Array(order.reversed().compactMap { mails[$0] }.filter { $0.tenant == tenant && $0.status == .sent }.prefix(limit))
    }

    public func markSent(messageID: String, server: String, at time: Timestamp) {
        mails[messageID]?.status = .sent
        mails[messageID]?.server = server
        mails[messageID]?.sentAt = time
        mails[messageID]?.lastError = nil
    }

    public func markFailed(messageID: String, error: String, nextAttempt: Timestamp) {
        mails[messageID]?.attempts += 1
        mails[messageID]?.lastError = error
        mails[messageID]?.nextAttempt = nextAttempt
    }

    public func markDropped(messageID: String, error: String, at time: Timestamp) {
        guard mails[messageID]?.status == .pending else { return }
        mails[messageID]?.status = .dropped
        mails[messageID]?.attempts += 1
        mails[messageID]?.lastError = error
        mails[messageID]?.sentAt = time
    }

    public func dropped(tenant: String, limit: Int) -> [QueuedMail] {
        Array(order.reversed().compactMap { mails[$0] }.filter { $0.tenant == tenant && $0.status == .dropped }.prefix(limit))
    }
}
