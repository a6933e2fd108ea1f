import Foundation
import NETCONF

extension SimulatedDevice {
    /// Per IPsec policy: up in both directions when the peer device holds the mirror policy (checked by the fleet),
    /// down otherwise.
    func ipsecStatus() -> [XMLElement] {
        let ns = SimModel.namespace
        let ipsec = self.engine.running.child("ipsec", namespace: ns)
        let ikePolicies = ipsec?.children("ike-policy") ?? []
        var entries: [XMLElement] = []
        for policy in ipsec?.children("ipsec-policy") ?? [] {
            let name = policy.child("name")?.text.trimmed ?? "?"
            let ike = ikePolicies.first { $0.child("name")?.text.trimmed == policy.child("ike-policy")?.text.trimmed }
            let peer =
                ike?.child("peer-address")?.text.trimmed ?? ike?.child("remote-id")?.child("value")?.text.trimmed ?? ""
            let enabled = policy.child("enabled")?.text.trimmed != "false"
            let up = enabled && (self.ipsecPeerCheck?(self.settings.address, peer, policy) ?? false)
            entries.append(
                XMLElement(
                    "policy", namespace: ns,
                    children: [
                        .element(XMLElement("name", namespace: ns, text: name)),
                        .element(XMLElement("peer", namespace: ns, text: peer)),
                        .element(XMLElement("outbound", namespace: ns, text: up ? "up" : "down")),
                        .element(XMLElement("inbound", namespace: ns, text: up ? "up" : "down")),
                    ]))
        }
        return entries
    }
}
