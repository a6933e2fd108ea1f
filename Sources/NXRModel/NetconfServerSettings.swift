import NETCONF

/// The device's NETCONF server settings (`/nxr:netconf-server`).
public struct NetconfServerSettings: Sendable, Hashable, Codable {
    public var enable: Bool
    /// SSH port of the netconf subsystem.
    public var port: UInt16
    /// Lock timeout in seconds.
    public var lockTimeout: UInt16
    /// Take the configuration the CMS pushes at boot.
    public var autoConfig: Bool

    public init(enable: Bool = true, port: UInt16 = 22, lockTimeout: UInt16 = 60, autoConfig: Bool = false) {
        self.enable = enable
        self.port = port
        self.lockTimeout = lockTimeout
        self.autoConfig = autoConfig
    }

    init(node: Node) throws(NXRModelError) {
        self.init(
            enable: try node.bool("enable") ?? true, port: try node.uint("port", 1...UInt16.max) ?? 22,
            lockTimeout: try node.uint("lock-timeout", 1...3600) ?? 60,
            autoConfig: try node.bool("auto-config") ?? false)
    }

    /// The `<netconf-server>` element, every leaf explicit.
    public func xml() -> XMLElement {
        Build.element(
            "netconf-server",
            [
                Build.leaf("enable", enable), Build.leaf("port", port), Build.leaf("lock-timeout", lockTimeout),
                Build.leaf("auto-config", autoConfig),
            ])
    }
}
