import CMSHooks
import Testing

/// The webhook decision as a table: signature first (GitHub, Gitea, GitLab), then event, then ref.
@Suite("Webhook verification and decision")
struct WebhookGateTests {
    static let secret = Array("It's a Secret to Everybody".utf8)

    /// GitHub's published example (docs "Validating webhook deliveries"): this secret and body give this signature.
    @Test func gitHubsPublishedExampleVerifies() {
        let body = Array("Hello, World!".utf8)
        let signature = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        #expect(WebhookSignature.sign(body, secret: Self.secret) == signature)
        let verdict = WebhookSignature.verify(
            headers: ["x-hub-signature-256": "sha256=" + signature], body: body, secret: Self.secret)
        #expect((try? verdict.get()) != nil)
    }

    static let body = Array(#"{"ref":"refs/heads/main","after":"0123456789abcdef0123456789abcdef01234567"}"#.utf8)
    static let good = WebhookSignature.sign(body, secret: secret)
    static let other = WebhookSignature.sign(body, secret: Array("another secret".utf8))

    static let signatureCases: [(String, [String: String], WebhookRejection?)] = [
        ("GitHub, right", ["x-hub-signature-256": "sha256=" + good], nil),
        ("GitHub, upper-case hex", ["x-hub-signature-256": "sha256=" + good.uppercased()], nil),
        ("GitHub, another secret", ["x-hub-signature-256": "sha256=" + other], .wrongSignature),
        ("GitHub, no sha256= prefix", ["x-hub-signature-256": good], .malformedSignature),
        ("GitHub, SHA-1 length", ["x-hub-signature-256": "sha256=" + String(good.prefix(40))], .malformedSignature),
        ("GitHub, not hex", ["x-hub-signature-256": "sha256=" + String(repeating: "zz", count: 32)], .malformedSignature),
        ("GitHub, empty", ["x-hub-signature-256": ""], .malformedSignature),
        ("Gitea, right", ["x-gitea-signature": good], nil),
        ("Gitea, another secret", ["x-gitea-signature": other], .wrongSignature),
        ("Gitea, odd length", ["x-gitea-signature": good + "0"], .malformedSignature),
        ("GitLab, right token", ["x-gitlab-token": "It's a Secret to Everybody"], nil),
        ("GitLab, wrong token", ["x-gitlab-token": "It's a secret to everybody"], .wrongSignature),
        ("GitLab, a prefix of the token", ["x-gitlab-token": "It's a Secret"], .wrongSignature),
        ("GitLab, empty token", ["x-gitlab-token": ""], .wrongSignature),
        ("no signature", ["x-github-event": "push"], .unsigned),
        // A wrong HMAC is not rescued by a right GitLab token beside it.
        ("GitHub wrong + GitLab right", ["x-hub-signature-256": "sha256=" + other, "x-gitlab-token": "It's a Secret to Everybody"], .wrongSignature),
    ]

    @Test(arguments: signatureCases.indices)
    func signatures(_ index: Int) {
        let (name, headers, expected) = Self.signatureCases[index]
        let verdict = WebhookSignature.verify(headers: headers, body: Self.body, secret: Self.secret)
        switch verdict {
        case .success: #expect(expected == nil, "\(name)")
        case .failure(let rejection): #expect(rejection == expected, "\(name)")
        }
    }

    @Test func aChangedBodyFailsItsSignature() {
        var tampered = Self.body
        tampered[10] ^= 1
        let verdict = WebhookSignature.verify(
            headers: ["x-hub-signature-256": "sha256=" + Self.good], body: tampered, secret: Self.secret)
        #expect(throws: WebhookRejection.wrongSignature) { try verdict.get() }
    }

    /// Signs `body` the way `forge` does and names the event.
    static func delivery(_ forge: Forge, event: String, body: String) -> (headers: [String: String], body: [UInt8]) {
        let bytes = Array(body.utf8)
        let signature = WebhookSignature.sign(bytes, secret: secret)
        switch forge {
        case .github:
            return (["x-github-event": event, "x-hub-signature-256": "sha256=" + signature, "x-github-delivery": "d-1"], bytes)
        case .gitea:
            return (
                ["x-gitea-event": event, "x-github-event": event, "x-gitea-signature": signature,
                 "x-hub-signature-256": "sha256=" + signature],
                bytes
            )
        case .gitlab:
            return (["x-gitlab-event": event, "x-gitlab-token": "It's a Secret to Everybody"], bytes)
        }
    }

    enum Expected: Equatable { case refresh, ignore, pong, malformed, reject }

    static let sha = "89abcdef0123456789abcdef0123456789abcdef"
    static let decisionCases: [(String, Forge, String, String, Expected)] = [
        ("GitHub push to main", .github, "push", #"{"ref":"refs/heads/main","after":"\#(sha)","pusher":{"name":"alice"}}"#, .refresh),
        ("GitHub push to a feature branch", .github, "push", #"{"ref":"refs/heads/feature","after":"\#(sha)"}"#, .ignore),
        ("GitHub push to a branch named like main", .github, "push", #"{"ref":"refs/heads/main2"}"#, .ignore),
        ("GitHub tag push", .github, "push", #"{"ref":"refs/tags/main"}"#, .ignore),
        ("GitHub ping", .github, "ping", #"{"zen":"Keep it logically awesome.","hook_id":1}"#, .pong),
        ("GitHub issues event", .github, "issues", #"{"action":"opened"}"#, .ignore),
        ("GitHub push, not JSON", .github, "push", "ref=refs/heads/main", .malformed),
        ("GitHub push without ref", .github, "push", #"{"after":"\#(sha)"}"#, .malformed),
        ("GitLab push to main", .gitlab, "Push Hook", #"{"object_kind":"push","ref":"refs/heads/main","checkout_sha":"\#(sha)","user_username":"bob"}"#, .refresh),
        ("GitLab push elsewhere", .gitlab, "Push Hook", #"{"ref":"refs/heads/dev"}"#, .ignore),
        ("GitLab tag push", .gitlab, "Tag Push Hook", #"{"ref":"refs/tags/v1"}"#, .ignore),
        ("GitLab merge request", .gitlab, "Merge Request Hook", #"{"object_kind":"merge_request"}"#, .ignore),
        ("Gitea push to main", .gitea, "push", #"{"ref":"refs/heads/main","after":"\#(sha)","pusher":{"login":"carol","username":"carol"}}"#, .refresh),
        ("Gitea push elsewhere", .gitea, "push", #"{"ref":"refs/heads/x"}"#, .ignore),
    ]

    @Test(arguments: decisionCases.indices)
    func decisions(_ index: Int) {
        let (name, forge, event, body, expected) = Self.decisionCases[index]
        let delivery = Self.delivery(forge, event: event, body: body)
        let decision = WebhookGate.decide(headers: delivery.headers, body: delivery.body, secret: Self.secret, branch: "main")
        let got: Expected
        switch decision {
        case .refresh(let push):
            got = .refresh
            #expect(push.forge == forge, "\(name)")
            #expect(push.after == Self.sha, "\(name)")
            #expect(push.pusher != nil, "\(name)")
        case .ignore: got = .ignore
        case .pong: got = .pong
        case .malformed: got = .malformed
        case .reject: got = .reject
        }
        #expect(got == expected, "\(name): \(decision)")
        #expect(decision.status == [.refresh: 202, .ignore: 202, .pong: 200, .malformed: 400, .reject: 401][expected])
    }

    @Test func gitHubsFormEncodedDeliveryIsReadAfterItsSignature() {
        let json = #"{"ref":"refs/heads/main","after":"\#(Self.sha)","pusher":{"name":"alice"}}"#
        let form = "payload=" + json.addingPercentEncodingForForm()
        let bytes = Array(form.utf8)
        let headers = [
            "x-github-event": "push", "content-type": "application/x-www-form-urlencoded",
            "x-hub-signature-256": "sha256=" + WebhookSignature.sign(bytes, secret: Self.secret),
        ]
        guard case .refresh(let push) = WebhookGate.decide(headers: headers, body: bytes, secret: Self.secret, branch: "main")
        else {
            Issue.record("not a refresh")
            return
        }
        #expect(push.pusher == "alice")
    }

    @Test func anUnsignedBodyIsNeverParsed() {
        // Not JSON at all: an unauthenticated body is refused on its signature, before any parsing.
        let decision = WebhookGate.decide(
            headers: ["x-github-event": "push"], body: Array("\u{0}garbage".utf8), secret: Self.secret, branch: "main")
        #expect(decision == .reject(.unsigned))
    }
}

extension String {
    fileprivate func addingPercentEncodingForForm() -> String {
        var out = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                out.append(Character(UnicodeScalar(byte)))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded()
            }
        }
        return out
    }

    fileprivate func leftPadded() -> String { count == 1 ? "0" + self : self }
}
