/// A reference to a secret kept outside git (SPEC §10): never the secret itself.
public enum SecretRef: Sendable, Equatable, Hashable, Codable {
    /// An environment variable of `cmsd`.
    case env(String)
    /// An absolute path of a file outside the tenant repository.
    case file(String)
}
