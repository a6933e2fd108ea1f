import CMSModel

/// What changed in the devices' config files between two revisions, as the original's config-file and auto-config
/// events (SPEC §4, §9: config file registered / deleted, auto-config selected / selected (save) / deselected /
/// deselected (save)): one value per change, in a stable order (devices by code, then files by name).
///
/// A file is registered when a device's `configs:` gains it (or its type changes: another file for the device);
/// it is deleted when the list loses it, or the device leaves the tenant. The `autoConfig` and `autoConfigSave`
/// flags are separate selections (one file per device may carry each, as in the original): moving a flag to a file
/// selects that file; taking it off every file clears the selection. Schedule-config selections belong to the
/// schedules (issue 13).
public struct ConfigFileChange: Sendable, Hashable {
    public var type: EventType
    public var device: String
    /// The file (`configs/<device>/<file>`'s last component) the change names.
    public var file: String

    public init(_ type: EventType, device: String, file: String) {
        self.type = type
        self.device = device
        self.file = file
    }

    /// The changes from `previous` to `next`; nil `previous` is an empty tenant (the first revision ever put in force).
    public static func between(_ previous: [Device]?, _ next: [Device]) -> [ConfigFileChange] {
        let before = Dictionary((previous ?? []).map { ($0.code, $0.configs) }, uniquingKeysWith: { $0 + $1 })
        let after = Dictionary(next.map { ($0.code, $0.configs) }, uniquingKeysWith: { $0 + $1 })
        var changes: [ConfigFileChange] = []
        for code in Set(before.keys).union(after.keys).sorted() {
            let old = before[code] ?? []
            let new = after[code] ?? []
            let oldFiles = Dictionary(old.map { ($0.file, $0.type) }, uniquingKeysWith: { first, _ in first })
            let newFiles = Dictionary(new.map { ($0.file, $0.type) }, uniquingKeysWith: { first, _ in first })
            for file in Set(oldFiles.keys).union(newFiles.keys).sorted() {
                switch (oldFiles[file], newFiles[file]) {
                case (nil, .some): changes.append(ConfigFileChange(.configFileRegistered, device: code, file: file))
                case (.some, nil): changes.append(ConfigFileChange(.configFileDeleted, device: code, file: file))
                case (let a?, let b?) where a != b:
                    changes.append(ConfigFileChange(.configFileDeleted, device: code, file: file))
                    changes.append(ConfigFileChange(.configFileRegistered, device: code, file: file))
                default: break
                }
            }
            changes += selection(
                device: code, old: old.first { $0.autoConfig }?.file, new: new.first { $0.autoConfig }?.file,
                selected: .autoConfigSelected, deselected: .autoConfigDeselected)
            changes += selection(
                device: code, old: old.first { $0.autoConfigSave }?.file, new: new.first { $0.autoConfigSave }?.file,
                selected: .autoConfigSaveSelected, deselected: .autoConfigSaveDeselected)
        }
        return changes
    }

    private static func selection(
        device: String, old: String?, new: String?, selected: EventType, deselected: EventType
    ) -> [ConfigFileChange] {
        switch (old, new) {
        case (let old?, nil): [ConfigFileChange(deselected, device: device, file: old)]
        case (_, let new?) where new != old: [ConfigFileChange(selected, device: device, file: new)]
        default: []
        }
    }
}
