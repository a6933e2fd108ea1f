import CMSModel

/// Mail alerts through the API (docs/mail.md): a test mail now, the queue and its status. Offered by a control
/// plane that sends mail (`Daemon`); the routes answer 501 when it does not.
public protocol MailControl: Sendable {
    /// Sends a test mail to the monitor recipients now, through `server` only (or the servers in order), and says
    /// how each exchange went. Not queued; recorded as `mail.sent` / `mail.failed`.
    func mailTest(_ tenant: String, server: String?, user: String?) async throws(APIError) -> MailTestResult
    /// The tenant's mail status: pending mails, the last sent ones, the alert batch waiting.
    func mailQueue(_ tenant: String) async throws(APIError) -> MailQueueStatus
}

/// The outcome of `cms mail test`: one attempt per server tried, in order.
public struct MailTestResult: Sendable, Hashable, Codable {
    public struct Attempt: Sendable, Hashable, Codable {
        public var server: String
        public var ok: Bool
        /// connect | tls | authenticate | accept (nil when it went through).
        public var stage: String?
        public var message: String?
        /// Server replies (`S: …`) and our commands (`C: …`); credentials appear as `<credentials>`.
        public var dialogue: [String]
        public init(server: String, ok: Bool, stage: String?, message: String?, dialogue: [String]) {
            self.server = server
            self.ok = ok
            self.stage = stage
            self.message = message
            self.dialogue = dialogue
        }
    }

    public var messageID: String
    public var recipients: [String]
    public var attempts: [Attempt]
    public var sent: Bool { attempts.last?.ok == true }

    public init(messageID: String, recipients: [String], attempts: [Attempt]) {
        self.messageID = messageID
        self.recipients = recipients
        self.attempts = attempts
    }
}

/// The mail side of a tenant: whether it is configured, the queue, the batch waiting for its due time.
public struct MailQueueStatus: Sendable, Hashable, Codable {
    public struct Entry: Sendable, Hashable, Codable {
        public var messageID: String
        public var subject: String
        public var recipients: Int
        public var events: Int
        public var created: Timestamp
        public var attempts: Int
        public var nextAttempt: Timestamp?
        public var lastError: String?
        public var sent: Timestamp?
        public var server: String?
        public init(
            messageID: String, subject: String, recipients: Int, events: Int, created: Timestamp, attempts: Int,
            nextAttempt: Timestamp?, lastError: String?, sent: Timestamp?, server: String?
        ) {
            self.messageID = messageID
            self.subject = subject
            self.recipients = recipients
            self.events = events
            self.created = created
            self.attempts = attempts
            self.nextAttempt = nextAttempt
            self.lastError = lastError
            self.sent = sent
            self.server = server
        }
    }

    /// A Mail document is in force and names recipients.
    public var configured: Bool
    /// Devices of the monitor group.
    public var monitored: Int
    /// Events waiting for their mail, and when it goes.
    public var batchedEvents: Int
    public var batchDue: Timestamp?
    public var pending: [Entry]
    /// The newest sent mails (at most 20), newest first.
    public var recent: [Entry]
    /// The newest mails given up because no server accepted them in time (at most 20), newest first; `sent` is
    /// when, `lastError` why. Absent from servers older than the expiry policy.
    public var dropped: [Entry]?

    public init(
        configured: Bool, monitored: Int, batchedEvents: Int, batchDue: Timestamp?, pending: [Entry], recent: [Entry],
        dropped: [Entry]? = nil
    ) {
        self.configured = configured
        self.monitored = monitored
        self.batchedEvents = batchedEvents
        self.batchDue = batchDue
        self.pending = pending
        self.recent = recent
        self.dropped = dropped
    }
}
