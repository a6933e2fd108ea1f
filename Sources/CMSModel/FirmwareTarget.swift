/// The desired firmware of a device or a group's members (SPEC §5).
public struct FirmwareTarget: Sendable, Equatable, Hashable, Codable {
    /// How the update is applied.
    public enum Mode: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
        case normal, background
        case noReboot = "no-reboot"
    }

    /// Name of a ``FirmwareImage``.
    public var image: String
    public var mode: Mode

    public init(image: String, mode: Mode = .normal) {
        self.image = image
        self.mode = mode
    }
}
