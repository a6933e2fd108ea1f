import NETCONF
import NXRModel

/// The IKE and IPsec policies `cms` owns on one device (names starting `cms-`), each list sorted by name.
///
/// Two values built from the same desired state are equal and serialize to the same bytes.
public struct ManagedPolicies: Sendable, Hashable, Codable {
    public var ikePolicies: [IKEPolicy]
    public var ipsecPolicies: [IPsecPolicy]

    /// Keeps only the `cms-` entries and sorts them by name: use it on what a device reports.
    public init(ikePolicies: [IKEPolicy] = [], ipsecPolicies: [IPsecPolicy] = []) {
        self.ikePolicies = ikePolicies.filter(\.isManagedByCMS).sorted {
            $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)
        }
        self.ipsecPolicies = ipsecPolicies.filter(\.isManagedByCMS).sorted {
            $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)
        }
    }

    /// The managed part of a device's configuration.
    public init(config: NXRConfig) {
        self.init(ikePolicies: config.ikePolicies, ipsecPolicies: config.ipsecPolicies)
    }

    public static let empty = ManagedPolicies()

    public var isEmpty: Bool { ikePolicies.isEmpty && ipsecPolicies.isEmpty }

    /// The IKE policy with this name.
    public func ikePolicy(_ name: String) -> IKEPolicy? { ikePolicies.first { $0.name == name } }
    /// The IPsec policy with this name.
    public func ipsecPolicy(_ name: String) -> IPsecPolicy? { ipsecPolicies.first { $0.name == name } }

    /// The `<ipsec>` container holding exactly these policies (IKE policies first), every leaf explicit.
    public func xml() -> XMLElement {
        XMLElement(
            "ipsec", namespace: NXRNamespace.uri,
            elements: ikePolicies.map { $0.xml() } + ipsecPolicies.map { $0.xml() })
    }
}
