/// The push-webhook part of `cmsd` (issue 17, docs/git-sources.md): `POST /hooks/{tenant}` asks the control plane
/// for the tenant's secret and branch, decides (``CMSHooks``), then reports the outcome, which the control plane
/// records as an event and — for a push to the tenant's branch — turns into a refresh. A control plane offers it by
/// conforming; the server answers 501 when it does not.
public protocol WebhookControl: Sendable {
    /// What a delivery for `tenant` is checked against.
    func webhookReceiver(_ tenant: String) async -> WebhookReceiver
    /// Records a delivery's outcome; for ``WebhookReport/Outcome/refresh`` also starts fetching the repository (the
    /// answer does not wait for it).
    func webhookDelivered(_ tenant: String, _ report: WebhookReport) async
}

/// A tenant's webhook as the hook route needs it.
public enum WebhookReceiver: Sendable, Hashable {
    /// No such tenant, or it has no `webhook:` in `cmsd.yaml` (the route does not tell which).
    case none
    /// Configured, but its secret cannot be read now (the message names the reference, never a value).
    case unavailable(String)
    /// The secret's bytes (never logged), the branch the tenant follows, the largest body accepted.
    case ready(secret: [UInt8], branch: String, maxBodyBytes: Int)
}

/// One delivery as recorded: what was asked and what `cmsd` did about it.
public struct WebhookReport: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// Not authentic (or refused before it could be checked): 401, 413 or 503.
        case rejected
        /// Authentic, nothing to do (another branch, a tag, another event, a ping).
        case ignored
        /// A push to the tenant's branch: a refresh was started.
        case refresh
    }

    public var outcome: Outcome
    /// `github`, `gitlab`, `gitea`; nil when not known.
    public var forge: String?
    public var event: String?
    public var ref: String?
    public var after: String?
    /// The forge account that pushed (the event's user).
    public var pusher: String?
    public var delivery: String?
    /// Why it was rejected or ignored.
    public var reason: String?
    /// The HTTP status answered.
    public var status: Int

    public init(
        outcome: Outcome, forge: String? = nil, event: String? = nil, ref: String? = nil, after: String? = nil,
        pusher: String? = nil, delivery: String? = nil, reason: String? = nil, status: Int
    ) {
        self.outcome = outcome
        self.forge = forge
        self.event = event
        self.ref = ref
        self.after = after
        self.pusher = pusher
        self.delivery = delivery
        self.reason = reason
        self.status = status
    }
}

/// The JSON body of every hook answer.
public struct WebhookAnswer: Sendable, Hashable, Codable {
    public var outcome: WebhookReport.Outcome
    public var message: String

    public init(outcome: WebhookReport.Outcome, message: String) {
        self.outcome = outcome
        self.message = message
    }
}
