/// The IPsec parameters of one mesh or star group (SPEC §6, guide §3.6.2).
public struct IPsecParameters: Sendable, Equatable, Hashable, Codable {
    public enum LowerLayer: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
        case ipv4, ipv6
    }

    public enum ESPEncryption: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
        case aes128
        case tripleDES = "3des"
        case null
    }

    public enum ESPHash: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
        case sha1HMAC = "sha1-hmac"
        case md5HMAC = "md5-hmac"
    }

    /// PFS groups allowed; `nil` in ``pfs`` means none.
    public static let pfsGroups: [Int] = [1, 2, 5, 14]

    public var lowerLayer: LowerLayer
    public var espEncryption: ESPEncryption
    public var espHash: ESPHash
    /// A Diffie-Hellman group of ``pfsGroups``, or `nil` for no PFS.
    public var pfs: Int?
    /// Seconds, 1081–86400.
    public var saLifetime: Int

    public init(
        lowerLayer: LowerLayer = .ipv4, espEncryption: ESPEncryption = .aes128, espHash: ESPHash = .sha1HMAC,
        pfs: Int? = 2, saLifetime: Int = 3600
    ) {
        self.lowerLayer = lowerLayer
        self.espEncryption = espEncryption
        self.espHash = espHash
        self.pfs = pfs
        self.saLifetime = saLifetime
    }
}
