/// A firmware image of the tenant's catalogue (SPEC §5).
public struct FirmwareImage: Sendable, Equatable, Hashable, Codable {
    /// Where the image is fetched from.
    public enum Source: Sendable, Equatable, Hashable, Codable {
        /// `http(s)://` or `ssh://` URL.
        case url(String)
        /// Repository-relative path.
        case file(String)
        /// `cmsd`'s image store, found by sha256 (`cms firmware add`).
        case store
    }

    public var name: String
    public var product: Product
    public var version: String
    public var source: Source
    /// 64 lowercase hex digits.
    public var sha256: String
    public var size: Int?
    /// The password of an `ssh://` source, as a secret reference (never in clear in git).
    public var password: SecretRef?

    public init(
        name: String, product: Product, version: String, source: Source, sha256: String, size: Int? = nil,
        password: SecretRef? = nil
    ) {
        self.password = password
        self.name = name
        self.product = product
        self.version = version
        self.source = source
        self.sha256 = sha256
        self.size = size
    }
}
