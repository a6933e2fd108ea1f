/// A device's IKE identity (SPEC §6, guide §3.4.4).
public struct IKEID: Sendable, Equatable, Hashable, Codable {
    public enum Kind: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
        case fqdn
        case userFQDN = "user-fqdn"
    }

    public var type: Kind
    public var value: String

    public init(type: Kind = .fqdn, value: String) {
        self.type = type
        self.value = value
    }

    /// The original product's default: type FQDN, value `id-` + device code with `_` replaced by `-x`.
    public static func `default`(forDeviceCode code: String) -> IKEID {
        IKEID(type: .fqdn, value: "id-" + code.replacingUnderscores())
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        var out = ""
        out.reserveCapacity(count + 4)
        for ch in self {
            if ch == "_" { out += "-x" } else { out.append(ch) }
        }
        return out
    }
}
