import Foundation
import NETCONF

/// The simulator's view of the NXR NETCONF model (docs/nxr-model.md, schemas/nxr.yang): the factory
/// configuration, the state data merged into `<get>`, and the checks a real NXR would make.
public enum SimModel {
    /// The NXR model namespace.
    public static let namespace = "urn:cms:nxr:1.0"

    static func leaf(_ name: String, _ text: String) -> XMLNode {
        .element(XMLElement(name, namespace: Self.namespace, text: text))
    }

    static func empty(_ name: String) -> XMLNode {
        .element(XMLElement(name, namespace: Self.namespace))
    }

    static func node(_ name: String, _ children: [XMLNode]) -> XMLNode {
        .element(XMLElement(name, namespace: Self.namespace, children: children))
    }

    /// The factory configuration: hostname, a static LAN and a DHCP WAN interface, CRP client and netconf server.
    public static func defaultConfig(identity: DeviceIdentity, address: String, port: Int, crpServer: String?)
        -> XMLElement
    {
        var root = ConfigTree.emptyRoot()
        // Port 0 (tests: "any free port") is written as the NETCONF default 830.
        let advertisedPort = String(port == 0 ? 830 : port)
        var crp: [XMLNode] = [Self.leaf("customer-id", identity.tenant)]
        if let code = identity.deviceCode { crp.append(Self.leaf("cpe-id", code)) }
        crp.append(Self.node("advertise", [Self.leaf("address", address), Self.leaf("port", advertisedPort)]))
        if let crpServer, let colon = crpServer.lastIndex(of: ":") {
            crp.append(
                Self.node(
                    "client",
                    [
                        Self.leaf("id", "1"), Self.leaf("server-address", String(crpServer[..<colon])),
                        Self.leaf("server-port", String(crpServer[crpServer.index(after: colon)...])),
                        Self.leaf("keepalive", "3600"),
                    ]))
        }
        root.children = [
            Self.node("system", [Self.leaf("hostname", identity.hostname)]),
            Self.node(
                "interfaces",
                [
                    Self.node(
                        "interface",
                        [
                            Self.leaf("name", "ethernet0"), Self.leaf("description", "LAN"),
                            Self.node(
                                "ipv4",
                                [
                                    Self.node(
                                        "address", [Self.leaf("ip", "192.168.0.254"), Self.leaf("prefix-length", "24")])
                                ]),
                        ]),
                    Self.node(
                        "interface",
                        [
                            Self.leaf("name", "ethernet1"), Self.leaf("description", "WAN"),
                            Self.node("ipv4", [Self.empty("dhcp")]),
                        ]),
                ]),
            Self.node("crp", crp),
            Self.node(
                "netconf-server",
                [
                    Self.leaf("enable", "true"), Self.leaf("port", advertisedPort), Self.leaf("auto-config", "false"),
                ]),
        ]
        return root
    }

    /// The state data of `<get>`, shaped as config nodes holding `state` containers (merged into running).
    public static func state(
        identity: DeviceIdentity, uptime: TimeInterval, bootID: Int, address: String, running: XMLElement, now: Date
    ) -> [XMLElement] {
        let seconds = Int(max(0, uptime))
        let total = identity.product == "NXR-1200" ? 1_048_576 : 262_144
        let used = total / 4 + seconds % 4096
        let load = { (value: Double) in String(format: "%.2f", value) }
        let formatter = ISO8601DateFormatter()
        let system = XMLElement(
            "system", namespace: Self.namespace,
            children: [
                Self.node(
                    "state",
                    [
                        Self.leaf("serial", identity.serial),
                        Self.leaf("product", identity.product),
                        Self.leaf("firmware-version", identity.firmwareVersion),
                        Self.leaf("uptime", String(seconds)),
                        Self.leaf("boot-id", String(bootID)),
                        Self.node(
                            "load-average",
                            [
                                Self.leaf("one", load(0.02 + Double(seconds % 9) / 100)), Self.leaf("five", load(0.03)),
                                Self.leaf("fifteen", load(0.01)),
                            ]),
                        Self.node("memory", [Self.leaf("total", String(total)), Self.leaf("used", String(used))]),
                        Self.leaf("current-datetime", formatter.string(from: now)),
                    ])
            ])
        var interfaces: [XMLNode] = []
        let configured = running.child("interfaces", namespace: Self.namespace)?.children("interface") ?? []
        for (index, interface) in configured.enumerated() {
            let name = interface.child("name")?.text.trimmed ?? "ethernet\(index)"
            var addresses: [XMLNode] = []
            let ipv4 = interface.child("ipv4")
            for address in ipv4?.children("address") ?? [] {
                addresses.append(
                    Self.node(
                        "address",
                        [
                            Self.leaf("ip", address.child("ip")?.text.trimmed ?? ""),
                            Self.leaf("prefix-length", address.child("prefix-length")?.text.trimmed ?? "32"),
                            Self.leaf("origin", "static"),
                        ]))
            }
            if ipv4?.child("dhcp") != nil || ipv4?.child("negotiated") != nil {
                // The device's loopback address plays its WAN address.
                addresses.append(
                    Self.node(
                        "address",
                        [
                            Self.leaf("ip", address), Self.leaf("prefix-length", "32"),
                            Self.leaf("origin", ipv4?.child("dhcp") != nil ? "dhcp" : "negotiated"),
                        ]))
            }
            let mac = String(format: "00:80:6d:%02x:%02x:%02x", (Int(identity.serial.suffix(2)) ?? 0), index, index + 1)
            interfaces.append(
                Self.node(
                    "interface",
                    [
                        Self.leaf("name", name),
                        Self.node(
                            "state",
                            [
                                Self.leaf(
                                    "oper-status", interface.child("enabled")?.text.trimmed == "false" ? "down" : "up"),
                                Self.leaf("mac-address", mac),
                            ] + addresses + [
                                Self.leaf("rx-bytes", String(seconds * 1_200 + index)),
                                Self.leaf("tx-bytes", String(seconds * 800 + index)),
                            ]),
                    ]))
        }
        return [system, XMLElement("interfaces", namespace: Self.namespace, children: interfaces)]
    }

    static func hostname(_ running: XMLElement) -> String? {
        running.child("system", namespace: Self.namespace)?.child("hostname")?.text.trimmed
    }

    /// What a real NXR validates configuration with: `schemas/nxr.yang`, through libyang (``YANGValidator``).
    public static var validator: any ConfigValidator { YANGValidator.shared }

    /// Checks a whole datastore against the YANG module (``validator``, which also checks edits, is preferred).
    public static func validate(_ root: XMLElement) -> [RPCError] {
        YANGValidator.shared.validate(datastore: root)
    }

    static func isInterfaceName(_ name: String) -> Bool {
        for prefix in ["ethernet", "ppp", "tunnel"] where name.hasPrefix(prefix) {
            let number = name.dropFirst(prefix.count)
            return !number.isEmpty && number.allSatisfy(\.isNumber) && number.count <= 4
        }
        return false
    }
}
