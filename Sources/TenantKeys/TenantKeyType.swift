/// The algorithm of a tenant key: ed25519 by default, RSA-2048 on request for legacy devices.
public enum TenantKeyType: String, Sendable, CaseIterable {
    case ed25519
    case rsa

    /// The private key's file name; the public key adds `.pub`.
    public var fileName: String {
        switch self {
        case .ed25519: "id_ed25519"
        case .rsa: "id_rsa"
        }
    }
}
