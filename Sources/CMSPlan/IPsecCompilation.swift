/// What ``IPsecCompiler`` computes from one tenant snapshot and the devices' addresses.
public struct IPsecCompilation: Sendable, Hashable, Codable {
    /// Every declared device's full managed policy set — empty for a device in no IPsec group (so the
    /// reconciler removes what it had).
    public var devices: [DeviceCode: ManagedPolicies]
    /// Every IPsec group (mesh and star), sorted by name; `none` and monitor groups are not here: their
    /// members are always registered.
    public var groups: [GroupCompilation]
    /// Sorted.
    public var warnings: [IPsecWarning]

    public init(devices: [DeviceCode: ManagedPolicies], groups: [GroupCompilation], warnings: [IPsecWarning]) {
        self.devices = devices
        self.groups = groups
        self.warnings = warnings
    }

    /// The policies of one device (empty when it has none or is unknown).
    public func policies(of device: DeviceCode) -> ManagedPolicies { devices[device] ?? .empty }

    /// The compiled group with this name.
    public func group(_ name: String) -> GroupCompilation? { groups.first { $0.name == name } }
}
