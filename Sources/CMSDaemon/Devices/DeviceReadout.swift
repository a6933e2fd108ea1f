import CMSAPI
import CMSReconcile
import NETCONF
import NETCONFClient
import NXRModel

/// What one `<get>` tells about a device: its identity (serial, product, cpe-id, hostname,
/// firmware) and its health (uptime, load, memory, interfaces and the addresses they hold now).
/// docs/nxr-model.md §4 describes the data; docs/devices.md the reading.
struct DeviceReadout: Sendable, Hashable {
    /// Nil when the device reported no serial number (it cannot be identified then).
    var identity: DeviceIdentity?
    var system: SystemState
    var interfaces: [DeviceDetail.InterfaceInfo]

    /// The containers identification reads. A refresh needs only `system` and `interfaces`.
    static let identificationFilter = ["system", "interfaces", "crp"]
    static let refreshFilter = ["system", "interfaces"]

    /// One `<get>` with a subtree filter selecting `containers` of the nxr model.
    static func read(from session: any DeviceSession, containers: [String]) async throws -> DeviceReadout {
        let filter = XMLElement(
            "filter", namespace: NETCONFNamespace.base, attributes: [XMLAttribute(name: "type", value: "subtree")],
            elements: containers.map { XMLElement($0, namespace: NXRNamespace.uri) })
        let reply = try await session.rpc(XMLElement("get", namespace: NETCONFNamespace.base, elements: [filter]), timeout: nil)
        return try DeviceReadout(data: reply.data?.elements ?? [])
    }

    /// Interprets the children of `<data>`; a value the model rejects throws `NXRModelError`.
    init(data elements: [XMLElement]) throws(NXRModelError) {
        let data = try NXRData(elements: elements)
        let system = data.system
        if let serial = system.serial {
            identity = DeviceIdentity(
                cpeID: data.config.crp.cpeID, serial: serial, product: system.product ?? "",
                hostname: data.config.hostname, firmwareVersion: system.firmwareVersion ?? "")
        } else {
            identity = nil
        }
        self.system = system
        var infos: [DeviceDetail.InterfaceInfo] = []
        var seen: Set<String> = []
        for state in data.interfaceStates {
            seen.insert(state.name)
            infos.append(
                DeviceDetail.InterfaceInfo(
                    name: state.name, operStatus: state.operStatus?.rawValue ?? "unknown",
                    addresses: state.addresses.map { address in
                        address.prefixLength.map { "\(address.ip)/\($0)" } ?? address.ip
                    }))
        }
        // Configured interfaces the device reports no state for are listed too, with what is configured.
        for interface in data.config.interfaces where !seen.contains(interface.name) {
            infos.append(
                DeviceDetail.InterfaceInfo(
                    name: interface.name, operStatus: "unknown",
                    addresses: Self.configuredAddresses(interface).map { "\($0.ip)/\($0.prefixLength)" }))
        }
        interfaces = infos
    }

    private static func configuredAddresses(_ interface: Interface) -> [InterfaceAddress] {
        var addresses: [InterfaceAddress] = []
        if case .addresses(let v4) = interface.ipv4 { addresses += v4 }
        return addresses + interface.ipv6Addresses
    }
}
