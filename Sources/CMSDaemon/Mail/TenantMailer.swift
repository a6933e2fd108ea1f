import CMSAPI
import CMSMail
import CMSModel
import Foundation
import Logging
import MailTransport

/// One tenant's mail alerts (SPEC §10, docs/mail.md): watches its agents' events for the monitor group's NETCONF
/// UP/DOWN, feeds them to the pure ``AlertPolicy``, queues the mails it decides in the durable ``MailStore`` and
/// delivers them through the tenant's SMTP servers in order (the next one only when the one before failed to
/// connect, to authenticate or to accept), retrying with a capped backoff when all fail.
///
/// Every change of the policy is stored before anything else happens, and a mail is marked sent only after a
/// server accepted it: a `kill -9` loses no due alert, and a resend carries the same Message-ID. Timers sleep on
/// the injected clock; the SMTP exchanges run on the transport's own thread.
public actor TenantMailer {
    public nonisolated let tenant: String
    let store: any MailStore
    let sender: any MailSender
    let events: any EventStore
    let clock: any Clock<Duration>
    let now: @Sendable () -> Timestamp
    let logger: Logger
    /// Reads a password reference of this tenant (`SecretReader` confined to the tenant in production).
    let readSecret: @Sendable (SecretRef, String) throws -> String

    private var mail: Mail?
    private var timeZone = TimeZone(identifier: "UTC")!
    /// Monitor-group members: code → name.
    private var monitored: [String: String] = [:]
    /// Each device's control address, from its last connection.
    private var addresses: [String: String] = [:]
    private var policy: AlertPolicy?
    private var loaded = false
    private var wake: (at: Timestamp, task: Task<Void, Never>)?
    private var delivering = false
    /// The first delivery after a start tries every pending mail at once, whatever its backoff said: the time
    /// no cmsd ran is not a reason to wait longer (and a server may be back).
    private var retriedAtStart = false
    private var stopped = false
    private let inbox: AsyncStream<[Event]>.Continuation
    private let stream: AsyncStream<[Event]>
    private var inboxTask: Task<Void, Never>?

    /// The first retry after every server failed; doubled per attempt up to ``retryCap``.
    public static let retryBase: Duration = .seconds(60)
    public static let retryCap: Duration = .seconds(900)
    /// A mail that no server accepted within this time after it was queued is given up (docs/mail.md "Delivery"):
    /// a last attempt at that time, then `mail.failed` with `stage: expired` and the mail leaves the queue.
    public static let defaultExpiry: Duration = .seconds(24 * 3600)
    let expiry: Duration

    public init(
        tenant: String, store: any MailStore, sender: any MailSender, events: any EventStore,
        clock: any Clock<Duration>, now: @escaping @Sendable () -> Timestamp, logger: Logger,
        expiry: Duration = TenantMailer.defaultExpiry,
        readSecret: @escaping @Sendable (SecretRef, String) throws -> String
    ) {
        self.tenant = tenant
        self.expiry = expiry
        self.store = store
        self.sender = sender
        self.events = events
        self.clock = clock
        self.now = now
        self.logger = logger
        self.readSecret = readSecret
        (stream, inbox) = AsyncStream.makeStream(of: [Event].self)
    }

    // MARK: - Inputs

    /// Events recorded by the tenant's device agents, in order (the hook in ``DeviceContext``). Cheap and
    /// non-blocking: the mailer reads them on its own task.
    public nonisolated func observe(_ events: [Event]) {
        guard events.contains(where: { $0.type == .deviceConnectSucceeded || $0.type == .deviceDisconnected }) else {
            return
        }
        inbox.yield(events)
    }

    /// Starts reading events. Idempotent.
    public func start() {
        guard inboxTask == nil else { return }
        let stream = self.stream
        inboxTask = Task { [weak self] in
            for await batch in stream { await self?.handle(batch) }
        }
    }

    /// Stops timers and the event reader; queued mails stay in the store for the next start.
    public func shutdown() {
        stopped = true
        inbox.finish()
        inboxTask?.cancel()
        wake?.task.cancel()
        wake = nil
    }

    /// A revision was adopted: the mail settings, the monitor group, the time zone.
    public func configure(_ snapshot: TenantSnapshot) async {
        mail = snapshot.mail
        timeZone = TimeZone(identifier: snapshot.tenant.timeZone) ?? TimeZone(identifier: "UTC")!
        let names = Dictionary(snapshot.devices.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        monitored = [:]
        for group in snapshot.groups where group.type == .monitor {
            for member in group.members { monitored[member.device] = names[member.device] ?? "" }
        }
        await loadPolicy()
        if let mail, policy != nil {
            policy?.setInterval(.seconds(mail.minInterval))
            await savePolicy()
        }
        await reschedule()
    }

    private func loadPolicy() async {
        if !loaded {
            do {
                policy = try await store.policy(tenant: tenant)
                loaded = true
            } catch {
                logger.error("cannot read the mail policy", metadata: ["error": "\(error)"])
            }
        }
        if policy == nil, let mail { policy = AlertPolicy(interval: .seconds(mail.minInterval)) }
    }

    private func handle(_ batch: [Event]) async {
        guard !stopped, mail != nil else { return }
        await loadPolicy()
        guard policy != nil else { return }
        var changed = false
        var wakes: [Timestamp] = []
        for event in batch {
            guard let device = event.device, let name = monitored[device] else { continue }
            let kind: MonitorEvent.Kind
            switch event.type {
            case .deviceConnectSucceeded:
                kind = .up
                if let address = event.details["address"], !address.isEmpty {
                    addresses[device] = Self.host(of: address)
                }
            case .deviceDisconnected: kind = .down
            default: continue
            }
            let monitorEvent = MonitorEvent(
                device: device, name: name, address: addresses[device] ?? "-", kind: kind, time: event.time)
            for action in policy!.received(monitorEvent) {
                if case .wake(let at) = action { wakes.append(at) }
            }
            changed = true
        }
        guard changed else { return }
        await savePolicy()
        if let first = wakes.min() { schedule(first) }
    }

    /// `192.0.2.1:22` → `192.0.2.1`, `[2001:db8::1]:830` → `2001:db8::1`.
    static func host(of address: String) -> String {
        if address.hasPrefix("["), let end = address.firstIndex(of: "]") {
            return String(address[address.index(after: address.startIndex)..<end])
        }
        if address.filter({ $0 == ":" }).count == 1, let colon = address.lastIndex(of: ":") {
            return String(address[..<colon])
        }
        return address
    }

    private func savePolicy(enqueue mails: [QueuedMail] = []) async {
        do {
            try await store.save(tenant: tenant, policy: policy, enqueue: mails)
        } catch {
            logger.error("cannot store the mail policy and queue", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - Timers

    private func schedule(_ at: Timestamp) {
        guard !stopped else { return }
        if let wake, wake.at <= at { return }
        wake?.task.cancel()
        // The deadline is taken on the clock now, not when the task starts: a clock moved meanwhile must not
        // push the wake later.
        let sleep = clock.sleeper(after: max(at - now(), .zero))
        let task = Task { [weak self] in
            do { try await sleep() } catch { return }
            await self?.fire()
        }
        wake = (at, task)
    }

    private func fire() async {
        wake = nil
        await tick()
    }

    /// Batches that are due become queued mails; due mails are delivered; the next wake is armed.
    private func tick() async {
        guard !stopped else { return }
        if var current = policy, let mail {
            let time = now()
            let actions = current.tick(now: time)
            policy = current
            var queued: [QueuedMail] = []
            for action in actions {
                switch action {
                case .send(let batch): if let queuedMail = compose(batch, mail: mail, at: time) { queued.append(queuedMail) }
                case .wake(let at): schedule(at)
                }
            }
            if !actions.isEmpty { await savePolicy(enqueue: queued) }
        }
        await deliverDue()
        await reschedule()
    }

    /// Arms the wake for the batch's due time and the earliest retry.
    private func reschedule() async {
        // A delivery in progress reschedules when it ends (a due retry must not wake us while it runs).
        guard !stopped, !delivering, mail != nil else { return }
        var times: [Timestamp] = []
        if let due = policy?.dueAt { times.append(due) }
        if let pending = try? await store.pending(tenant: tenant) {
            times += pending.map(\.nextAttempt)
            if !retriedAtStart, !pending.isEmpty { times.append(now()) }
        }
        if let first = times.min() { schedule(first) }
    }

    private func recipients(of mail: Mail) -> [String] {
        let book = Dictionary(mail.addressBook.map { ($0.name, $0.address) }, uniquingKeysWith: { first, _ in first })
        return mail.monitorRecipients.compactMap { book[$0] }
    }

    private func compose(_ batch: [MonitorEvent], mail: Mail, at time: Timestamp) -> QueuedMail? {
        let to = recipients(of: mail)
        guard !to.isEmpty, let from = mail.servers.first?.from else {
            logger.warning("monitor events not mailed: no server or no recipient", metadata: ["events": "\(batch.count)"])
            return nil
        }
        let subject = mail.subject.isEmpty ? "[CMS \(tenant)] NETCONF UP/DOWN" : mail.subject
        let content = AlertComposer(subject: subject, calm: mail.calm, timeZone: timeZone).compose(batch)
        let key = "alert-\(batch.first!.time.microsecondsSince1970)-\(time.microsecondsSince1970)"
        let messageID = MailMessage.messageID(tenant: tenant, key: key, from: from)
        let message = MailMessage(
            from: from, to: to, subject: content.subject, date: time, timeZone: timeZone, messageID: messageID,
            body: content.lines)
        return QueuedMail(
            messageID: messageID, tenant: tenant, createdAt: time, nextAttempt: time, from: from, recipients: to,
            subject: content.subject, eventCount: batch.count, data: message.rendered())
    }

    // MARK: - Delivery

    private func deliverDue() async {
        guard !delivering, let mail else { return }
        delivering = true
        defer { delivering = false }
        let pending: [QueuedMail]
        do {
            pending = try await store.pending(tenant: tenant)
        } catch {
            logger.error("cannot read the mail queue", metadata: ["error": "\(error)"])
            return
        }
        let all = !retriedAtStart
        retriedAtStart = true
        for queued in pending where (all || queued.nextAttempt <= now()) && !stopped {
            let deadline = queued.createdAt + expiry
            let final = now() >= deadline
            let outcome = await sendThroughServers(
                queued.data, recipients: queued.recipients, messageID: queued.messageID, events: queued.eventCount,
                servers: mail.servers, final: final)
            do {
                if let server = outcome.server {
                    try await store.markSent(messageID: queued.messageID, server: server, at: now())
                } else if final {
                    try await drop(queued, outcome: outcome)
                } else {
                    let delay = min(Self.retryCap, Self.retryBase * (1 << min(queued.attempts, 10)))
                    let last = outcome.attempts.last.map { "\($0.server): \($0.message ?? "")" } ?? "no server"
                    // The last attempt is at the deadline, not after it.
                    let next = min(now() + delay, deadline)
                    try await store.markFailed(messageID: queued.messageID, error: last, nextAttempt: next)
                }
            } catch {
                logger.error("cannot update the mail queue", metadata: ["error": "\(error)"])
            }
        }
    }

    /// No server accepted `queued` within ``expiry``: it leaves the queue, and one `mail.failed` (stage `expired`,
    /// `next: dropped`) says so, with how long and how many attempts it was tried.
    private func drop(_ queued: QueuedMail, outcome: (server: String?, attempts: [MailTestResult.Attempt])) async throws {
        let last = outcome.attempts.last.map { "\($0.server): \($0.message ?? "")" } ?? "no server"
        let attempts = queued.attempts + 1
        let error = "no server accepted the mail within \(Self.describe(expiry)) (\(attempts) attempts; last: \(last)); dropped"
        try await store.markDropped(messageID: queued.messageID, error: error, at: now())
        await record([
            Event(
                time: now(), tenant: tenant, type: .mailFailed,
                details: [
                    "server": outcome.attempts.last?.server ?? "-", "stage": "expired", "error": error,
                    "recipients": String(queued.recipients.count), "messageID": queued.messageID,
                    "events": String(queued.eventCount), "attempts": String(attempts), "next": "dropped",
                ])
        ])
        logger.error(
            "mail dropped: no server accepted it in time",
            metadata: ["messageID": "\(queued.messageID)", "attempts": "\(attempts)", "error": "\(last)"])
    }

    /// `86400 s` → `24h`, `3600 s` → `1h`, `90 s` → `90s`.
    static func describe(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)min" }
        return "\(seconds)s"
    }

    /// Tries `servers` in order; records `mail.failed` for each failure (naming server and reason) and `mail.sent`
    /// for the one that accepted. Returns the accepting server (nil: none did).
    private func sendThroughServers(
        _ data: [UInt8], recipients: [String], messageID: String, events count: Int, servers: [Mail.Server],
        test: Bool = false, final: Bool = false
    ) async -> (server: String?, attempts: [MailTestResult.Attempt]) {
        var attempts: [MailTestResult.Attempt] = []
        var records: [Event] = []
        for (index, server) in servers.enumerated() {
            let next = index + 1 < servers.count ? "trying \(servers[index + 1].name)" : (test ? "test failed" : final ? "dropped" : "retry later")
            var details = [
                "server": server.name, "recipients": String(recipients.count), "messageID": messageID,
                "events": String(count),
            ]
            if test { details["test"] = "true" }
            let endpoint: SMTPServerEndpoint
            do {
                endpoint = try self.endpoint(server, index: index)
            } catch {
                let message = "the password cannot be read: \(error)"
                attempts.append(.init(server: server.name, ok: false, stage: "authenticate", message: message, dialogue: []))
                details.merge(["stage": "authenticate", "error": message, "next": next]) { _, new in new }
                records.append(Event(time: now(), tenant: tenant, type: .mailFailed, details: details))
                continue
            }
            let outgoing = OutgoingMail(
                from: server.from, recipients: recipients, data: MailMessage.replacingFrom(data, with: server.from))
            do {
                let dialogue = try await sender.send(outgoing, via: endpoint)
                attempts.append(.init(server: server.name, ok: true, stage: nil, message: nil, dialogue: dialogue.lines))
                details["to"] = recipients.joined(separator: ", ")
                records.append(Event(time: now(), tenant: tenant, type: .mailSent, details: details))
                await record(records)
                return (server.name, attempts)
            } catch {
                attempts.append(
                    .init(
                        server: server.name, ok: false, stage: error.stage.rawValue, message: error.message,
                        dialogue: error.dialogue))
                details.merge(["stage": error.stage.rawValue, "error": "\(error.stage.rawValue): \(error.message)", "next": next]) {
                    _, new in new
                }
                records.append(Event(time: now(), tenant: tenant, type: .mailFailed, details: details))
                logger.warning(
                    "mail server failed",
                    metadata: ["mail.server": "\(server.name)", "stage": "\(error.stage.rawValue)", "error": "\(error.message)"])
            }
        }
        await record(records)
        return (nil, attempts)
    }

    private func record(_ records: [Event]) async {
        guard !records.isEmpty else { return }
        do {
            _ = try await events.append(records)
        } catch {
            logger.error("cannot record mail events", metadata: ["error": "\(error)"])
        }
    }

    private func endpoint(_ server: Mail.Server, index: Int) throws -> SMTPServerEndpoint {
        let password = try server.password.map { MailPassword(try readSecret($0, "mail servers[\(index)].password")) }
        let tls = MailTLS(rawValue: server.tls.rawValue) ?? .starttls
        let user = server.user ?? ""
        let authentication: SMTPServerEndpoint.Authentication
        switch server.auth {
        case .none: authentication = .none
        case .login: authentication = .login(user: user, password: password ?? MailPassword(""))
        case .plain: authentication = .plain(user: user, password: password ?? MailPassword(""))
        case .popBeforeSMTP:
            let pop = server.pop ?? Mail.Server.POP(host: server.host)
            authentication = .popBeforeSMTP(
                pop: POP3Endpoint(
                    host: pop.host, port: pop.port, tls: MailTLS(rawValue: pop.tls.rawValue) ?? .starttls,
                    caFile: server.caFile),
                user: user, password: password ?? MailPassword(""))
        }
        return SMTPServerEndpoint(
            name: server.name, host: server.host, port: server.port, tls: tls, caFile: server.caFile,
            authentication: authentication)
    }

    // MARK: - API

    /// `cms mail test [--smtp-server NAME]`.
    public func test(server name: String?, user: String?) async throws(APIError) -> MailTestResult {
        guard let mail, !mail.servers.isEmpty else {
            throw APIError(status: 409, code: "mail-not-configured", message: "the tenant's revision in force has no Mail document with servers")
        }
        var servers = mail.servers
        if let name {
            guard let server = mail.servers.first(where: { $0.name == name }) else {
                throw APIError(
                    status: 404, code: "server-not-found",
                    message: "no SMTP server '\(name)' in mail.yaml (servers: \(mail.servers.map(\.name).joined(separator: ", ")))")
            }
            servers = [server]
        }
        var to = recipients(of: mail)
        if to.isEmpty { to = mail.addressBook.map(\.address) }
        guard !to.isEmpty else {
            throw APIError(status: 409, code: "no-recipients", message: "mail.yaml has no monitorRecipients and an empty address book")
        }
        let time = now()
        let messageID = MailMessage.messageID(tenant: tenant, key: "test-\(time.microsecondsSince1970)", from: servers[0].from)
        let subject = (mail.subject.isEmpty ? "[CMS \(tenant)]" : mail.subject) + " (test)"
        var body = [
            "This is a test mail from cmsd for tenant \(tenant).",
            "Servers tried in order: \(servers.map(\.name).joined(separator: ", ")).",
            "TimeStamp:\(MailDate.guideStamp(time, in: timeZone))",
        ]
        if let user { body.append("Requested by:\(user)") }
        let message = MailMessage(
            from: servers[0].from, to: to, subject: subject, date: time, timeZone: timeZone, messageID: messageID, body: body)
        let outcome = await sendThroughServers(
            message.rendered(), recipients: to, messageID: messageID, events: 0, servers: servers, test: true)
        return MailTestResult(messageID: messageID, recipients: to, attempts: outcome.attempts)
    }

    /// `cms mail queue`.
    public func queueStatus() async throws(APIError) -> MailQueueStatus {
        let pending: [QueuedMail]
        let sent: [QueuedMail]
        let dropped: [QueuedMail]
        do {
            pending = try await store.pending(tenant: tenant)
            sent = try await store.sent(tenant: tenant, limit: 20)
            dropped = try await store.dropped(tenant: tenant, limit: 20)
        } catch {
            throw APIError(status: 500, code: "store-failed", message: "the mail queue could not be read: \(error)")
        }
        func entry(_ mail: QueuedMail) -> MailQueueStatus.Entry {
            .init(
                messageID: mail.messageID, subject: mail.subject, recipients: mail.recipients.count,
                events: mail.eventCount, created: mail.createdAt, attempts: mail.attempts,
                nextAttempt: mail.status == .pending ? mail.nextAttempt : nil, lastError: mail.lastError,
                sent: mail.sentAt, server: mail.server)
        }
        let configured = mail.map { !$0.servers.isEmpty && !recipients(of: $0).isEmpty } ?? false
        return MailQueueStatus(
            configured: configured, monitored: monitored.count, batchedEvents: policy?.pending.count ?? 0,
            batchDue: policy?.dueAt, pending: pending.map(entry), recent: sent.map(entry), dropped: dropped.map(entry))
    }
}

extension Clock where Duration == Swift.Duration {
    /// A sleep until `delay` from now, with "now" read at once (not when the returned closure runs).
    fileprivate func sleeper(after delay: Duration) -> @Sendable () async throws -> Void {
        let deadline = now.advanced(by: delay)
        return { try await self.sleep(until: deadline, tolerance: nil) }
    }
}
