import CMSDaemon
import CMSMail
import CMSModel
import CMSStore
import Foundation
import Logging
import MailTransport
import TestSupport
import Testing

/// A tenant's ``TenantMailer`` over a real SQLite queue file, an in-memory event log, a manual clock (event times
/// follow it) and a log that records every line, so tests can look for a leaked secret everywhere.
final class MailerHarness: Sendable {
    static let tenant = "century"
    static let epoch: Int64 = 1_799_999_200 * 1_000_000
    /// The password every authenticating test server uses; it must appear in no mail, event or log line.
    static let canary = "Canary-Pw-7f3a9c"

    let clock = ManualClock()
    let events = InMemoryEventStore()
    let logs = LogLines()
    let folder: URL
    let store: SQLiteMailStore
    let mailer: TenantMailer
    let now: @Sendable () -> Timestamp

    /// - Parameter folder: reuse another harness's data folder (a restart of `cmsd` on the same queue file).
    init(
        folder: URL? = nil,
        sender: any MailSender = CurlMailSender(timeouts: MailTimeouts(connect: .seconds(5), total: .seconds(20))),
        expiry: Duration = TenantMailer.defaultExpiry
    ) throws {
        self.folder = try folder ?? MailPeers.temporaryFolder("mailer")
        store = try SQLiteMailStore(dataFolder: self.folder.path)
        let clock = self.clock
        now = {
            let offset = clock.now.offset.components
            return Timestamp(
                microsecondsSince1970: Self.epoch + offset.seconds * 1_000_000 + offset.attoseconds / 1_000_000_000_000)
        }
        let logs = self.logs
        var logger = Logger(label: "mail.test") { _ in CapturingLogHandler(lines: logs) }
        logger.logLevel = .trace
        mailer = TenantMailer(
            tenant: Self.tenant, store: store, sender: sender, events: events, clock: clock, now: now, logger: logger, expiry: expiry,
            readSecret: { reference, _ in
                guard case .env(let name) = reference, name == "CMS_CENTURY_SMTP_PASSWORD" else {
                    throw MailPeers.Failure(description: "no such secret in this test")
                }
                return Self.canary
            })
    }

    static func server(
        _ name: String, port: Int, auth: Mail.Server.Auth = .none, tls: Mail.Server.TLS = .none, caFile: String? = nil,
        pop: Mail.Server.POP? = nil, user: String = "cms"
    ) -> Mail.Server {
        Mail.Server(
            name: name, host: "127.0.0.1", port: port, from: "cms-\(name)@century.example.jp", auth: auth,
            user: auth == .none ? nil : user, password: auth == .none ? nil : .env("CMS_CENTURY_SMTP_PASSWORD"),
            pop: pop, tls: tls, caFile: caFile)
    }

    /// A revision with `devices` in the monitor group and `servers` in mail.yaml.
    static func snapshot(
        devices: [String], servers: [Mail.Server], subject: String = "[CMS century] 監視グループ NETCONF 通知",
        interval: Int = 300, calm: Mail.Calm = Mail.Calm()
    ) -> TenantSnapshot {
        TenantSnapshot(
            tenant: Tenant(code: tenant, timeZone: "Asia/Tokyo"),
            devices: devices.map { Device(code: $0, name: "拠点 \($0)", product: .nxr120) },
            groups: [Group(name: "monitored", type: .monitor, members: devices.map { Member(device: $0) })],
            mail: Mail(
                subject: subject, minInterval: interval, servers: servers,
                addressBook: [
                    Mail.Contact(name: "noc", address: "noc@century.example.jp"),
                    Mail.Contact(name: "oncall", address: "oncall@century.example.jp"),
                ], monitorRecipients: ["noc", "oncall"], calm: calm))
    }

    func start(_ snapshot: TenantSnapshot) async {
        await mailer.start()
        await mailer.configure(snapshot)
    }

    /// What a device agent records when `device`'s session comes up / drops.
    func up(_ device: String, address: String = "192.0.2.10:22") {
        mailer.observe([
            Event(
                time: now(), tenant: Self.tenant, type: .deviceConnectSucceeded, device: device,
                details: ["address": address, "firmware": "21.7.3"])
        ])
    }

    func down(_ device: String) {
        mailer.observe([
            Event(time: now(), tenant: Self.tenant, type: .deviceDisconnected, device: device, details: ["reason": "eof"])
        ])
    }

    func mailEvents(_ type: EventType) async throws -> [Event] {
        try await events.search(EventQuery(tenant: Self.tenant, order: .ascending, limit: 1000)).filter { $0.type == type }
    }

    /// Every event of the log as JSON text (to search for a leaked secret).
    func allEventsText() async throws -> String {
        let all = try await events.search(EventQuery(tenant: Self.tenant, order: .ascending, limit: 5000))
        return String(decoding: try JSONEncoder().encode(all), as: UTF8.self)
    }

    /// Waits until the batch is armed on the clock, then moves the clock.
    func advance(by duration: Duration) async {
        await clock.advance(by: duration)
    }
}

/// Log lines recorded by ``CapturingLogHandler``.
final class LogLines: Sendable {
    private let lines = Locked<[String]>([])
    func append(_ line: String) { lines.withLockedValue { $0.append(line) } }
    var all: [String] { lines.withLockedValue { $0 } }
}

struct CapturingLogHandler: LogHandler {
    let lines: LogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        let merged = self.metadata.merging(metadata ?? [:]) { _, new in new }
        lines.append("\(level) \(message) \(merged)")
    }
}
