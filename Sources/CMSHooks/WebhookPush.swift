import Foundation

/// What a verified delivery says: which forge, which event, and for a push the ref, the new tip and who pushed.
public struct WebhookPush: Sendable, Hashable, Codable {
    public var forge: Forge
    /// The forge's event name (`push`, `ping`, `Push Hook`, `Tag Push Hook`, …).
    public var event: String
    /// `refs/heads/main`; nil when the event has none.
    public var ref: String?
    /// The commit id after the push (all zeros when the branch was deleted).
    public var after: String?
    /// The forge account that pushed.
    public var pusher: String?
    /// The forge's id of this delivery (`X-GitHub-Delivery`, `X-Gitea-Delivery`, `X-Gitlab-Event-UUID`).
    public var delivery: String?

    public init(
        forge: Forge, event: String, ref: String? = nil, after: String? = nil, pusher: String? = nil,
        delivery: String? = nil
    ) {
        self.forge = forge
        self.event = event
        self.ref = ref
        self.after = after
        self.pusher = pusher
        self.delivery = delivery
    }

    /// The forge a delivery comes from, by its event header (Gitea also sends GitHub's, so it is asked first).
    public static func forge(headers: [String: String]) -> Forge? {
        if headers["x-gitea-event"] != nil || headers["x-gitea-signature"] != nil { return .gitea }
        if headers["x-gitlab-event"] != nil || headers["x-gitlab-token"] != nil { return .gitlab }
        if headers["x-github-event"] != nil || headers["x-hub-signature-256"] != nil { return .github }
        return nil
    }

    /// Why a verified body could not be read.
    public struct Malformed: Error, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// Reads a verified delivery. Push bodies are JSON (`application/json`), or GitHub's form encoding
    /// (`payload=<JSON>`); only `ref`, `after` and the pusher's name are read.
    public static func parse(headers: [String: String], body: [UInt8]) throws(Malformed) -> WebhookPush {
        guard let forge = forge(headers: headers) else {
            throw Malformed(description: "no X-GitHub-Event, X-Gitlab-Event or X-Gitea-Event header")
        }
        let event: String
        let delivery: String?
        switch forge {
        case .github:
            event = headers["x-github-event"] ?? ""
            delivery = headers["x-github-delivery"]
        case .gitlab:
            event = headers["x-gitlab-event"] ?? ""
            delivery = headers["x-gitlab-event-uuid"]
        case .gitea:
            event = headers["x-gitea-event"] ?? ""
            delivery = headers["x-gitea-delivery"]
        }
        var push = WebhookPush(forge: forge, event: event, delivery: delivery)
        guard !body.isEmpty else { return push }
        var json = Data(body)
        let contentType = headers["content-type"]?.lowercased() ?? ""
        if contentType.hasPrefix("application/x-www-form-urlencoded") {
            let text = String(decoding: body, as: UTF8.self)
            guard
                let field = text.split(separator: "&").first(where: { $0.hasPrefix("payload=") }),
                let decoded = String(field.dropFirst("payload=".count)).replacingOccurrences(of: "+", with: " ")
                    .removingPercentEncoding
            else { throw Malformed(description: "a form-encoded delivery without a payload= field") }
            json = Data(decoded.utf8)
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: json)
        } catch {
            throw Malformed(description: "the body is not JSON")
        }
        guard let root = object as? [String: Any] else { throw Malformed(description: "the body is not a JSON object") }
        push.ref = root["ref"] as? String
        push.after = root["after"] as? String ?? root["checkout_sha"] as? String
        let pusher = root["pusher"] as? [String: Any]
        push.pusher =
            pusher?["name"] as? String ?? pusher?["login"] as? String ?? pusher?["username"] as? String
            ?? root["user_username"] as? String ?? root["user_name"] as? String
        return push
    }

    /// Whether the event is a branch or tag push (as opposed to ping, issues, merge requests…).
    public var isPush: Bool {
        switch forge {
        case .github, .gitea: return event == "push"
        case .gitlab: return event == "Push Hook" || event == "Tag Push Hook"
        }
    }

    /// Whether the event is the forge's connectivity check (GitHub's `ping`; Gitea sends none; GitLab's test
    /// deliveries are ordinary events).
    public var isPing: Bool { event == "ping" }
}
