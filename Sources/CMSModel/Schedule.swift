/// A timed operation on a group or on every device (SPEC §8).
public struct Schedule: Sendable, Equatable, Hashable, Codable {
    public enum Command: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
        case fetchSyslog = "fetch-syslog"
        case reboot
        case switchAutoConfig = "switch-auto-config"
        case restoreConfig = "restore-config"
        case firmwareUpdate = "firmware-update"
        case firmwareUpdateNoReboot = "firmware-update-no-reboot"
        /// A backup of the whole tenant (issue 15, docs/backup.md): not a device command, no `target`.
        case tenantBackup = "tenant-backup"

        /// Whether the command needs a firmware image.
        public var usesFirmware: Bool { self == .firmwareUpdate || self == .firmwareUpdateNoReboot }
        /// Whether the command uses each device's config file flagged `schedule`.
        public var usesScheduleConfig: Bool { self == .switchAutoConfig || self == .restoreConfig }
        /// Whether the command acts on the tenant as a whole rather than on devices (no target, no device skips).
        public var isTenantWide: Bool { self == .tenantBackup }
    }

    /// `tenant-backup` only: where the backup goes and how many are kept (docs/backup.md#by-schedule).
    public struct Backup: Sendable, Equatable, Hashable, Codable {
        /// The default and the most timestamped backups a schedule keeps in the tenant's backup folder.
        public static let defaultKeep = 7
        public static let keepRange = 1...100
        /// nil: `<tenant>-<schedule>-<UTC time>.tgz` in the tenant's backup folder, the newest ``keep`` kept; else a
        /// file name in that folder or an `ssh://account@host:port/path`, replaced at each fire.
        public var to: String?
        public var includeEvents: Bool
        /// Timestamped backups kept (only without ``to``).
        public var keep: Int

        public init(to: String? = nil, includeEvents: Bool = false, keep: Int = Backup.defaultKeep) {
            self.to = to
            self.includeEvents = includeEvents
            self.keep = keep
        }
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
    /// `tenant-backup` only (nil: the defaults of ``Backup``).
    public var backup: Backup?

    public init(
        name: String, command: Command, firmware: String? = nil, target: Target = .all, repeat: Bool = true,
        when: ScheduleTime, note: String = "", backup: Backup? = nil
    ) {
        self.backup = backup
        self.name = name
        self.command = command
        self.firmware = firmware
        self.target = target
        self.repeat = `repeat`
        self.when = when
        self.note = note
    }
}
