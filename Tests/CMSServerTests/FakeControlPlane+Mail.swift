import CMSAPI
import CMSModel

/// The fake's mail side: a fixed queue, and a test that "sends" through the first server unless one is named.
extension FakeControlPlane: MailControl {
    func mailTest(_ tenant: String, server: String?, user: String?) async throws(APIError) -> MailTestResult {
        guard tenant == "acme" || tenant == "globex" else { throw APIError.notFound("tenant", tenant) }
        if server == "down" {
            return MailTestResult(
                messageID: "cms.\(tenant).test-2@example.jp", recipients: ["noc@example.jp"],
                attempts: [
                    .init(
                        server: "down", ok: false, stage: "connect", message: "Could not connect to server (127.0.0.1:2525)",
                        dialogue: [])
                ])
        }
        if let server, server != "primary" {
            throw APIError(status: 404, code: "server-not-found", message: "no SMTP server '\(server)' in mail.yaml")
        }
        return MailTestResult(
            messageID: "cms.\(tenant).test-1@example.jp", recipients: ["noc@example.jp"],
            attempts: [
                .init(
                    server: "primary", ok: true, stage: nil, message: "sent for \(user ?? "-")",
                    dialogue: ["S: 220 ready", "C: AUTH LOGIN", "S: 334 VXNlcm5hbWU6", "C: <credentials>", "S: 250 ok"])
            ])
    }

    func mailQueue(_ tenant: String) async throws(APIError) -> MailQueueStatus {
        guard tenant == "acme" || tenant == "globex" else { throw APIError.notFound("tenant", tenant) }
        return MailQueueStatus(
            configured: true, monitored: 2, batchedEvents: 1, batchDue: FakeControlPlane.since,
            pending: [
                .init(
                    messageID: "cms.\(tenant).alert-1@example.jp", subject: "[CMS] 監視", recipients: 2, events: 3,
                    created: FakeControlPlane.since, attempts: 2, nextAttempt: FakeControlPlane.since,
                    lastError: "s1: connect failed", sent: nil, server: nil)
            ],
            recent: [
                .init(
                    messageID: "cms.\(tenant).alert-0@example.jp", subject: "[CMS] 監視 - mass outage: 12 devices DOWN",
                    recipients: 3, events: 12, created: FakeControlPlane.since, attempts: 0, nextAttempt: nil,
                    lastError: nil, sent: FakeControlPlane.since, server: "primary")
            ],
            dropped: [
                .init(
                    messageID: "cms.\(tenant).alert-x@example.jp", subject: "[CMS] 監視", recipients: 2, events: 1,
                    created: FakeControlPlane.since, attempts: 31, nextAttempt: nil,
                    lastError: "no server accepted the mail within 24h (31 attempts; last: s1: connect failed); dropped",
                    sent: FakeControlPlane.since, server: nil)
            ])
    }
}
