import CMSModel

/// The tenant's push webhook (`webhook:` in `cmsd.yaml`, docs/git-sources.md): the shared secret GitHub and Gitea
/// sign deliveries with (HMAC-SHA256) and GitLab sends as its token, as a secret reference; and the largest body
/// accepted.
public struct WebhookConfiguration: Sendable, Hashable {
    public var secret: SecretRef
    /// Larger deliveries are refused (413) before they are read whole. GitHub caps its payloads at 25 MB; a push
    /// payload lists at most 20 commits, so 1 MiB is plenty.
    public var maxBodyBytes: Int

    public init(secret: SecretRef, maxBodyBytes: Int = 1 << 20) {
        self.secret = secret
        self.maxBodyBytes = maxBodyBytes
    }
}
