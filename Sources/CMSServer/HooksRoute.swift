import CMSAPI
import CMSHooks
import Foundation
import Hummingbird
import NIOCore

/// `POST /hooks/{tenant}` (issue 17, docs/git-sources.md): the push webhook GitHub, GitLab and Gitea call. No bearer
/// token — the delivery's signature (HMAC-SHA256 over the raw body, or GitLab's token) with the tenant's webhook
/// secret is its authentication. Order: the tenant's receiver (404 when none), the body cap (413, before the body
/// is read whole), the signature (401, nothing of the body parsed before), then the event and ref (202 ignored,
/// 202 refresh started, 200 pong). Every refusal and every accepted push is reported to the control plane, which
/// records the event.
extension APIHandlers {
    func registerHooks(on router: Router<Context>) {
        router.post("/hooks/:tenant") { request, context in try await hook(request, context) }
    }

    /// The forge headers the decision reads, with lower-cased names.
    static let hookHeaders = [
        "x-hub-signature-256", "x-gitea-signature", "x-gitlab-token", "x-github-event", "x-gitlab-event",
        "x-gitea-event", "x-github-delivery", "x-gitlab-event-uuid", "x-gitea-delivery", "content-type",
    ]

    func hook(_ request: Request, _ context: Context) async throws -> Response {
        let tenant = try Self.pathParameter(context, "tenant")
        _ = try QueryReader(request.queryPairs, allowed: [])
        guard let control = controlPlane as? any WebhookControl else {
            throw APIError(status: 501, code: "not-implemented", message: "this cmsd does not serve webhooks")
        }
        var headers: [String: String] = [:]
        for name in Self.hookHeaders {
            if let field = HTTPFields.Element.Name(name), let value = request.headers[field] { headers[name] = value }
        }
        let forge = WebhookPush.forge(headers: headers)?.rawValue
        let (secret, branch, cap): ([UInt8], String, Int)
        switch await control.webhookReceiver(tenant) {
        case .none:
            throw APIError(
                status: 404, code: "no-webhook",
                message: "no webhook for tenant '\(tenant)' (an unknown tenant, or no webhook: in cmsd.yaml)")
        case .unavailable(let problem):
            await control.webhookDelivered(
                tenant, WebhookReport(outcome: .rejected, forge: forge, reason: problem, status: 503))
            throw APIError(
                status: 503, code: "webhook-unavailable",
                message: "the tenant's webhook secret cannot be read; the operator finds why in the tenant's events")
        case .ready(let value, let followed, let maxBodyBytes):
            (secret, branch, cap) = (value, followed, maxBodyBytes)
        }
        let body: ByteBuffer
        do {
            if let length = request.headers[.contentLength].flatMap(Int.init), length > cap { throw HookBodyTooLarge() }
            body = try await request.body.collect(upTo: cap)
        } catch {
            let reason = "the body is over the tenant's cap of \(cap) bytes (webhook.maxBodyBytes)"
            await control.webhookDelivered(
                tenant, WebhookReport(outcome: .rejected, forge: forge, reason: reason, status: 413))
            throw APIError(status: 413, code: "body-too-large", message: reason)
        }
        let bytes = Array(body.readableBytesView)
        let decision = WebhookGate.decide(headers: headers, body: bytes, secret: secret, branch: branch)
        switch decision {
        case .reject(let rejection):
            await control.webhookDelivered(
                tenant,
                WebhookReport(
                    outcome: .rejected, forge: forge, event: Self.event(headers), reason: rejection.message,
                    status: decision.status))
            var response = APIResponses.json(
                APIError(status: 401, code: "bad-signature", message: rejection.message), status: .unauthorized)
            response.headers[.cacheControl] = "no-store"
            return response
        case .malformed(let reason):
            throw APIError.badRequest("the delivery is signed but cannot be read: \(reason)")
        case .pong(let push):
            await control.webhookDelivered(
                tenant, Self.report(push, outcome: .ignored, reason: "ping", status: decision.status))
            return APIResponses.json(WebhookAnswer(outcome: .ignored, message: "pong: the secret matches"))
        case .ignore(let push, let reason):
            await control.webhookDelivered(tenant, Self.report(push, outcome: .ignored, reason: reason, status: 202))
            return APIResponses.json(WebhookAnswer(outcome: .ignored, message: reason), status: .accepted)
        case .refresh(let push):
            await control.webhookDelivered(tenant, Self.report(push, outcome: .refresh, reason: nil, status: 202))
            return APIResponses.json(
                WebhookAnswer(
                    outcome: .refresh,
                    message: "a push to \(push.ref ?? branch): fetching tenant \(tenant)'s repository now"),
                status: .accepted)
        }
    }

    static func event(_ headers: [String: String]) -> String? {
        headers["x-github-event"] ?? headers["x-gitlab-event"] ?? headers["x-gitea-event"]
    }

    static func report(_ push: WebhookPush, outcome: WebhookReport.Outcome, reason: String?, status: Int)
        -> WebhookReport
    {
        WebhookReport(
            outcome: outcome, forge: push.forge.rawValue, event: push.event, ref: push.ref, after: push.after,
            pusher: push.pusher, delivery: push.delivery, reason: reason, status: status)
    }
}

private struct HookBodyTooLarge: Error {}
