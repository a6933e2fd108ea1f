/// A timed operation on a group or on every device (SPEC §8).
public struct Schedule: Sendable, Equatable, Hashable, Codable {
    public enum Command: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
        case fetchSyslog = "fetch-syslog"
        case reboot
        case switchAutoConfig = "switch-auto-config"
        case restoreConfig = "restore-config"
        case firmwareUpdate = "firmware-update"
        case firmwareUpdateNoReboot = "firmware-update-no-reboot"

        /// Whether the command needs a firmware image.
        public var usesFirmware: Bool { self == .firmwareUpdate || self == .firmwareUpdateNoReboot }
        /// Whether the command uses each device's config file flagged `schedule`.
        public var usesScheduleConfig: Bool { self == .switchAutoConfig || self == .restoreConfig }
    }

    /// Which devices a schedule acts on.
    public enum Target: Sendable, Equatable, Hashable, Codable {
        case all
        case group(String)
    }

    public var name: String
    public var command: Command
    /// Firmware commands only: a ``FirmwareImage`` name.
    public var firmware: String?
    public var target: Target
    /// `false`: fires once, at the next matching time.
    public var `repeat`: Bool
    public var when: ScheduleTime
    public var note: String

    public init(
        name: String, command: Command, firmware: String? = nil, target: Target = .all, repeat: Bool = true,
        when: ScheduleTime, note: String = ""
    ) {
        self.name = name
        self.command = command
        self.firmware = firmware
        self.target = target
        self.repeat = `repeat`
        self.when = when
        self.note = note
    }
}
