/// A tenant's SSH key pair as stored on disk.
public struct TenantKeyPair: Sendable, Equatable {
    public let tenant: String
    public let type: TenantKeyType
    /// `ssh-ed25519 AAAA… <tenant>` (or `ssh-rsa …`): what the tenant installs on every NXR.
    public let publicKeyLine: String
    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    public let fingerprint: String
    public let privateKeyPath: String
    public let publicKeyPath: String
    /// Whether this call generated the pair (first use) rather than reading it.
    public let created: Bool
}
