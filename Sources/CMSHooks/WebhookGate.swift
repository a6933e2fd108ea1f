/// What to do with one webhook delivery for a tenant following `branch` — a pure decision (table-tested), taken in
/// this order: the signature (nothing of an unauthenticated body is read), then the event, then the ref.
public enum WebhookDecision: Sendable, Hashable {
    /// Not authentic: answer 401, record `gitops.webhook.rejected`.
    case reject(WebhookRejection)
    /// Authentic but unreadable: answer 400.
    case malformed(String)
    /// GitHub's ping: answer 200.
    case pong(WebhookPush)
    /// Authentic, nothing to do (another branch, a tag, a non-push event): answer 202 with the reason.
    case ignore(WebhookPush, reason: String)
    /// A push to the tenant's branch: fetch now, answer 202.
    case refresh(WebhookPush)

    /// The HTTP status the hook route answers with.
    public var status: Int {
        switch self {
        case .reject: return 401
        case .malformed: return 400
        case .pong: return 200
        case .ignore, .refresh: return 202
        }
    }
}

public enum WebhookGate {
    /// `headers` with lower-cased names; `body` the raw bytes as received (the signature covers them exactly).
    public static func decide(headers: [String: String], body: [UInt8], secret: [UInt8], branch: String)
        -> WebhookDecision
    {
        if case .failure(let rejection) = WebhookSignature.verify(headers: headers, body: body, secret: secret) {
            return .reject(rejection)
        }
        let push: WebhookPush
        do {
            push = try WebhookPush.parse(headers: headers, body: body)
        } catch {
            return .malformed(error.description)
        }
        if push.isPing { return .pong(push) }
        guard push.isPush else { return .ignore(push, reason: "a \(push.event) event, not a push; nothing to fetch") }
        guard let ref = push.ref else { return .malformed("a push without a ref") }
        let wanted = "refs/heads/" + branch
        guard ref == wanted else {
            return .ignore(push, reason: "a push to \(ref), not to the tenant's branch \(wanted); nothing to fetch")
        }
        return .refresh(push)
    }
}
