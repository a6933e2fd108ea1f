import CMSAPI

/// The fake's webhook side: `acme` follows `main` with a secret and a 4 KiB body cap, `globex` has no webhook, and
/// `initech`'s secret cannot be read. Every reported delivery is kept for the tests.
extension FakeControlPlane: WebhookControl {
    static let hookSecret = "acme-hook-secret-7f3a"
    static let hookCap = 4096

    func webhookReceiver(_ tenant: String) async -> WebhookReceiver {
        switch tenant {
        case "acme": return .ready(secret: Array(Self.hookSecret.utf8), branch: "main", maxBodyBytes: Self.hookCap)
        case "initech": return .unavailable("environment variable CMS_INITECH_HOOK is not set")
        default: return .none
        }
    }

    func webhookDelivered(_ tenant: String, _ report: WebhookReport) async {
        webhookReports.append((tenant, report))
    }
}
