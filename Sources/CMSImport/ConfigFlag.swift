/// The sixth CSV field of the original CMS device list: what to do with the named config file.
///
/// | flag | meaning |
/// |---|---|
/// | 0 | import the file (no flag) |
/// | 1 | import + auto-config |
/// | 2 | import + schedule |
/// | 3 | import + auto-config + schedule |
/// | 4 | delete that config file |
/// | 5 | import + auto-config + auto-config-save |
/// | 6 | import + auto-config + auto-config-save + schedule |
public enum ConfigFlag: Int, CaseIterable, Sendable {
    case importOnly = 0
    case autoConfig = 1
    case schedule = 2
    case autoConfigAndSchedule = 3
    case delete = 4
    case autoConfigSave = 5
    case autoConfigSaveAndSchedule = 6

    /// `true` for flag 4; the other flags import the file.
    public var deletes: Bool { self == .delete }
    /// The YAML flag `autoConfig` after the import.
    public var setsAutoConfig: Bool {
        [.autoConfig, .autoConfigAndSchedule, .autoConfigSave, .autoConfigSaveAndSchedule].contains(self)
    }
    /// The YAML flag `autoConfigSave` after the import.
    public var setsAutoConfigSave: Bool { [.autoConfigSave, .autoConfigSaveAndSchedule].contains(self) }
    /// The YAML flag `schedule` after the import.
    public var setsSchedule: Bool { [.schedule, .autoConfigAndSchedule, .autoConfigSaveAndSchedule].contains(self) }

    /// Human words for the check result, e.g. `auto-config+save+schedule`.
    public var summary: String {
        if deletes { return "delete" }
        var parts: [String] = []
        if setsAutoConfig { parts.append("auto-config") }
        if setsAutoConfigSave { parts.append("save") }
        if setsSchedule { parts.append("schedule") }
        return parts.isEmpty ? "none" : parts.joined(separator: "+")
    }
}
