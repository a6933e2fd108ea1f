import CMSAPI
import CMSModel
import Foundation
import Logging

/// Push webhooks (issue 17, docs/git-sources.md): the secret and branch of a tenant for `POST /hooks/{tenant}`, and
/// what a delivery leads to — a `gitops.webhook.received` / `gitops.webhook.rejected` event, and for a push to the
/// tenant's branch a refresh (started, not awaited: a forge waits ~10 s for the answer, a fetch may take longer).
extension Daemon: WebhookControl {
    public func webhookReceiver(_ tenant: String) async -> WebhookReceiver {
        guard let controller = controllers[tenant], let webhook = controller.configuration.webhook else { return .none }
        do {
            let secret = try SecretReader.read(webhook.secret, field: "tenants.\(tenant).webhook.secret")
            return .ready(
                secret: Array(secret.utf8), branch: controller.configuration.repository.branch,
                maxBodyBytes: webhook.maxBodyBytes)
        } catch {
            return .unavailable("\(error)")
        }
    }

    public func webhookDelivered(_ tenant: String, _ report: WebhookReport) async {
        guard let controller = controllers[tenant] else { return }
        _ = try? await events.append([Self.event(tenant: tenant, report, at: environment.now())])
        var metadata: Logger.Metadata = [
            "tenant": "\(tenant)", "webhook.outcome": "\(report.outcome.rawValue)", "webhook.status": "\(report.status)",
        ]
        if let forge = report.forge { metadata["webhook.forge"] = "\(forge)" }
        if let ref = report.ref { metadata["webhook.ref"] = "\(ref)" }
        switch report.outcome {
        case .rejected: logger.warning("webhook delivery refused", metadata: metadata)
        case .ignored: logger.info("webhook delivery ignored", metadata: metadata)
        case .refresh:
            logger.info("webhook push: refreshing", metadata: metadata)
            Task { await controller.refresh() }
        }
    }

    /// The event a delivery is recorded as.
    static func event(tenant: String, _ report: WebhookReport, at time: Timestamp) -> Event {
        var details: [String: String] = ["status": String(report.status), "forge": report.forge ?? "unknown"]
        for (key, value) in [
            ("event", report.event), ("ref", report.ref), ("after", report.after), ("delivery", report.delivery),
            ("reason", report.reason),
        ] {
            if let value { details[key] = value }
        }
        switch report.outcome {
        case .rejected:
            details["reason"] = report.reason ?? "refused"
            return Event(time: time, tenant: tenant, type: .gitWebhookRejected, details: details)
        case .ignored, .refresh:
            details["action"] =
                report.outcome == .refresh ? "refresh started" : "ignored (\(report.reason ?? "nothing to do"))"
            details["event"] = report.event ?? "?"
            details["ref"] = report.ref ?? "-"
            details["after"] = report.after.map { String($0.prefix(12)) } ?? "-"
            return Event(
                time: time, tenant: tenant, type: .gitWebhookReceived, user: report.pusher, revision: report.after,
                details: details)
        }
    }
}
