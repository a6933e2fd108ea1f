/// A config file of a device, kept in the tenant repository under `configs/<device>/` (SPEC §4).
public struct ConfigFileRef: Sendable, Equatable, Hashable, Codable {
    /// The config file formats of the NXR.
    public enum FileType: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
        case xml, tgz
        case showConfig = "show-config"

        /// The type implied by a file name's extension (`.xml`, `.tgz`, `.config`), if any.
        public static func from(fileName: String) -> FileType? {
            if fileName.hasSuffix(".xml") { return .xml }
            if fileName.hasSuffix(".tgz") { return .tgz }
            if fileName.hasSuffix(".config") { return .showConfig }
            return nil
        }
    }

    public var file: String
    public var type: FileType
    public var note: String
    /// Sent to the device when it boots with auto-config enabled.
    public var autoConfig: Bool
    /// The device also stores the auto-config file as its boot config.
    public var autoConfigSave: Bool
    /// Used by the `switch-auto-config` and `restore-config` schedules.
    public var schedule: Bool
    /// XML only: a baseline; every leaf and list entry the file writes is kept on the device with that value,
    /// the rest is left alone (docs/managed-parts.md).
    public var enforce: Bool

    public init(
        file: String, type: FileType, note: String = "", autoConfig: Bool = false, autoConfigSave: Bool = false,
        schedule: Bool = false, enforce: Bool = false
    ) {
        self.file = file
        self.type = type
        self.note = note
        self.autoConfig = autoConfig
        self.autoConfigSave = autoConfigSave
        self.schedule = schedule
        self.enforce = enforce
    }

    /// The repository-relative path of this file for a device.
    public func repositoryPath(device code: String) -> String { "configs/\(code)/\(file)" }
}
