import Foundation
import NETCONF

/// The simulator's view of the NXR NETCONF model: the default configuration, state data and validation.
public enum SimModel {
    /// The NXR model namespace (docs/nxr-model.md).
    public static let namespace = "urn:cms:params:xml:ns:yang:nxr"

    static func leaf(_ name: String, _ text: String) -> XMLNode {
        .element(XMLElement(name, namespace: Self.namespace, text: text))
    }

    static func node(_ name: String, _ children: [XMLNode]) -> XMLNode {
        .element(XMLElement(name, namespace: Self.namespace, children: children))
    }

    /// The factory configuration of a device: hostname, two interfaces, CRP client and netconf server settings.
    public static func defaultConfig(identity: DeviceIdentity, address: String, port: Int, crpServer: String?) -> XMLElement {
        var root = ConfigTree.emptyRoot()
        var crp: [XMLNode] = [
            Self.leaf("enable", "true"),
            Self.leaf("customer-id", identity.tenant),
            Self.leaf("keepalive", "3600"),
            // Port 0 (tests: "any free port") is written as the NETCONF default 830.
            Self.node("advertise", [Self.leaf("address", address), Self.leaf("port", String(port == 0 ? 830 : port))]),
        ]
        if let code = identity.deviceCode { crp.insert(Self.leaf("cpe-id", code), at: 2) }
        if let crpServer { crp.append(Self.node("server", [Self.leaf("address", crpServer)])) }
        root.children = [
            Self.node("system", [Self.leaf("hostname", identity.hostname)]),
            Self.node("interfaces", [
                Self.node("interface", [Self.leaf("name", "ethernet0"), Self.leaf("ipv4-address", "192.168.0.254/24")]),
                Self.node("interface", [Self.leaf("name", "ethernet1"), Self.leaf("ipv4-address", "dhcp")]),
            ]),
            Self.node("crp", crp),
            Self.node("netconf-server", [Self.leaf("enable", "true"), Self.leaf("auto-config", "false")]),
        ]
        return root
    }

    /// The state data `<get>` adds to the running configuration.
    static func state(
        identity: DeviceIdentity, uptime: TimeInterval, address: String, running: XMLElement
    ) -> [XMLElement] {
        let load = String(format: "%.2f %.2f %.2f", 0.05 + Double(Int(uptime) % 7) / 100, 0.03, 0.01)
        let total = identity.product == "NXR-1200" ? 2_048_000 : 512_000
        let used = total / 5 + Int(uptime) % 4096
        var interfaces: [XMLNode] = []
        let configured = running.child("interfaces", namespace: Self.namespace)?.children("interface") ?? []
        for (index, interface) in configured.enumerated() {
            let name = interface.child("name")?.text.trimmed ?? "ethernet\(index)"
            var addressText = interface.child("ipv4-address")?.text.trimmed ?? ""
            if addressText == "dhcp" || (addressText.isEmpty && index == 1) { addressText = address + "/32" }
            interfaces.append(Self.node("interface", [
                Self.leaf("name", name), Self.leaf("oper-status", "up"), Self.leaf("ipv4-address", addressText),
            ]))
        }
        let system = XMLElement("system-state", namespace: Self.namespace, children: [
            Self.leaf("hostname", Self.hostname(running) ?? identity.hostname),
            Self.leaf("serial", identity.serial),
            Self.leaf("product", identity.product),
            Self.leaf("firmware-version", identity.firmwareVersion),
            Self.leaf("uptime", String(Int(uptime))),
            Self.leaf("load-average", load),
            Self.node("memory", [Self.leaf("total", String(total)), Self.leaf("used", String(used))]),
        ])
        let interfacesState = XMLElement("interfaces-state", namespace: Self.namespace, children: interfaces)
        return [system, interfacesState]
    }

    static func hostname(_ running: XMLElement) -> String? {
        running.child("system", namespace: Self.namespace)?.child("hostname")?.text.trimmed
    }

    /// Checks what a real NXR would refuse: bad hostnames, bad interface addresses, bad CRP ports.
    public static func validate(_ root: XMLElement) -> [RPCError] {
        var errors: [RPCError] = []
        if let hostname = Self.hostname(root) {
            let allowed = hostname.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
            if hostname.isEmpty || hostname.count > 63 || !allowed {
                errors.append(ServerError.invalidValue(
                    "hostname '\(hostname)' must be 1-63 letters, digits, '-' or '.'", path: "/system/hostname"))
            }
        }
        let interfaces = root.child("interfaces", namespace: Self.namespace)?.children("interface") ?? []
        for interface in interfaces {
            let name = interface.child("name")?.text.trimmed ?? ""
            if let address = interface.child("ipv4-address")?.text.trimmed, address != "dhcp",
                !Self.isIPv4Prefix(address)
            {
                errors.append(ServerError.invalidValue(
                    "interface \(name): '\(address)' is not an IPv4 address/prefix or 'dhcp'",
                    path: "/interfaces/interface[name='\(name)']/ipv4-address"))
            }
        }
        if let port = root.child("crp", namespace: Self.namespace)?.child("advertise")?.child("port")?.text.trimmed,
            UInt16(port) == nil || port == "0"
        {
            errors.append(ServerError.invalidValue("crp advertise port '\(port)' must be 1-65535", path: "/crp/advertise/port"))
        }
        return errors
    }

    static func isIPv4Prefix(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let length = Int(parts[1]), (0...32).contains(length) else { return false }
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { !$0.isEmpty && $0.count <= 3 && UInt8($0) != nil }
    }
}
