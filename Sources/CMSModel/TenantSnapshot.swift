/// The whole desired state of one tenant at one revision.
public struct TenantSnapshot: Sendable, Equatable, Hashable, Codable {
    public var tenant: Tenant
    /// Sorted by code.
    public var devices: [Device]
    /// Sorted by name.
    public var groups: [Group]
    /// Sorted by name.
    public var schedules: [Schedule]
    public var mail: Mail?
    /// Sorted by name.
    public var firmware: [FirmwareImage]

    public init(
        tenant: Tenant, devices: [Device] = [], groups: [Group] = [], schedules: [Schedule] = [], mail: Mail? = nil,
        firmware: [FirmwareImage] = []
    ) {
        self.tenant = tenant
        self.devices = devices
        self.groups = groups
        self.schedules = schedules
        self.mail = mail
        self.firmware = firmware
    }

    /// The device with this code.
    public func device(_ code: String) -> Device? { devices.first { $0.code == code } }
    /// The group with this name.
    public func group(_ name: String) -> Group? { groups.first { $0.name == name } }
    /// The firmware image with this name.
    public func image(_ name: String) -> FirmwareImage? { firmware.first { $0.name == name } }

    /// The desired firmware of a device: its own, else the first of its groups (by name) that sets one.
    public func desiredFirmware(of device: Device) -> FirmwareTarget? {
        if let own = device.firmware { return own }
        return groups.first { group in group.firmware != nil && group.members.contains { $0.device == device.code } }?
            .firmware
    }
}
