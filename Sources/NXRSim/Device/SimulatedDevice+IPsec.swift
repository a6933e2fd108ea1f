import Foundation
import NETCONF

extension SimulatedDevice {
    /// One IPsec policy's peer status, computed from the policies configured in running.
    func ipsecStatus() -> XMLElement {
        let ns = SimModel.namespace
        let policies = self.engine.running.child("ipsec", namespace: ns)?.children("policy") ?? []
        var entries: [XMLNode] = []
        for policy in policies {
            let name = policy.child("name")?.text.trimmed ?? "?"
            let peer = policy.child("peer")?.text.trimmed ?? ""
            let up = self.ipsecPeerCheck?(self.settings.address, peer, policy) ?? false
            entries.append(.element(XMLElement("policy", namespace: ns, children: [
                .element(XMLElement("name", namespace: ns, text: name)),
                .element(XMLElement("peer", namespace: ns, text: peer)),
                .element(XMLElement("status", namespace: ns, text: up ? "up" : "down")),
            ])))
        }
        return XMLElement("ipsec-status", namespace: ns, children: entries)
    }
}
