import NETCONF

/// Everything `<get>` returns: the configuration plus the read-only state (NMDA style, one tree).
public struct NXRData: Sendable, Hashable, Codable {
    public var config: NXRConfig
    public var system: SystemState
    /// Operational state per interface; an interface with state but no config entry is allowed.
    public var interfaceStates: [InterfaceState]

    public init(
        config: NXRConfig = NXRConfig(), system: SystemState = SystemState(),
        interfaceStates: [InterfaceState] = []
    ) {
        self.config = config
        self.system = system
        self.interfaceStates = interfaceStates
    }

    /// Reads config and state from the children of `<data>`.
    public init(elements: [XMLElement]) throws(NXRModelError) {
        let config = try NXRConfig(elements: elements)
        let top = TopLevel(elements)
        var system = SystemState()
        if let state = top.node("system")?.child("state") { system = try SystemState(node: state) }
        var states: [InterfaceState] = []
        for entry in try top.node("interfaces")?.list("interface") ?? [] {
            guard let state = entry.child("state") else { continue }
            states.append(try InterfaceState(name: try entry.required("name"), node: state))
        }
        self.init(config: config, system: system, interfaceStates: states)
    }

    /// Reads a `<data>` wrapper.
    public init(xml wrapper: XMLElement) throws(NXRModelError) {
        try self.init(elements: wrapper.elements)
    }

    /// The top-level containers with the state merged in, ready to go inside `<data>`.
    public func xml() -> [XMLElement] {
        var elements = config.xml()
        for index in elements.indices {
            switch elements[index].name {
            case "system":
                elements[index].children.append(.element(system.xml()))
            case "interfaces":
                var entries = elements[index].elements
                for state in interfaceStates {
                    if let i = entries.firstIndex(where: {
                        $0.childText("name", namespace: NXRNamespace.uri) == state.name
                    }) {
                        entries[i].children.append(.element(state.xml()))
                    } else {
                        entries.append(Build.element("interface", [Build.leaf("name", state.name), state.xml()]))
                    }
                }
                elements[index].children = entries.map { .element($0) }
            default:
                break
            }
        }
        return elements
    }
}
