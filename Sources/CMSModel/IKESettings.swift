/// The IKE settings common to every IPsec group of a tenant (SPEC §6, guide §3.5.1).
public struct IKESettings: Sendable, Equatable, Hashable, Codable {
    public enum Encryption: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
        case aes128, des
        case tripleDES = "3des"
    }

    public enum Hash: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
        case sha1, md5
    }

    /// Dead-peer detection.
    public struct DPD: Sendable, Equatable, Hashable, Codable {
        public enum Action: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
            case restart, hold, clear
        }
        /// Seconds, 10–3600.
        public var interval: Int
        /// 0–30.
        public var retries: Int
        public var action: Action
        public init(interval: Int = 30, retries: Int = 3, action: Action = .restart) {
            self.interval = interval
            self.retries = retries
            self.action = action
        }
    }

    /// Diffie-Hellman groups allowed for IKE.
    public static let dhGroups: [Int] = [1, 2, 5, 14]

    public var encryption: Encryption
    /// One of ``dhGroups``.
    public var dhGroup: Int
    public var hash: Hash
    /// Seconds, 1081–86400.
    public var lifetime: Int
    public var dpd: DPD

    public init(
        encryption: Encryption = .aes128, dhGroup: Int = 2, hash: Hash = .sha1, lifetime: Int = 10800,
        dpd: DPD = DPD()
    ) {
        self.encryption = encryption
        self.dhGroup = dhGroup
        self.hash = hash
        self.lifetime = lifetime
        self.dpd = dpd
    }
}
