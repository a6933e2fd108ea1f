import Yams

/// A `kind: Device` document already in the tenant repository.
public struct ExistingDevice: Equatable, Sendable {
    /// Repository-relative path of the YAML file.
    public var path: String
    /// Index of the document's segment in that file (see ``YAMLSegments``).
    public var segment: Int
    public var code: String
    public var product: String?
    /// Top-level fields the CSV does not carry (suspended, hostKey, ikeId, firmware, and any other key),
    /// in source order, each rendered as YAML text ending in a newline.
    public var preserved: [String]
    public var configs: [ConfigEntry]
    /// Set when the document cannot be updated safely (e.g. `configs` is not a list of mappings).
    public var problem: String?

    /// Keys the CSV line rewrites; everything else is preserved.
    static let csvKeys: Set<String> = ["apiVersion", "kind", "code", "name", "product", "note", "configs"]

    /// Reads a Device document. Returns nil when `node` is not a `kind: Device` mapping with a string code.
    public static func read(_ node: Node, path: String, segment: Int) -> ExistingDevice? {
        guard let mapping = node.mapping, mapping["kind"]?.string == "Device",
            let code = mapping["code"]?.string
        else { return nil }
        var device = ExistingDevice(
            path: path, segment: segment, code: code, product: mapping["product"]?.string,
            preserved: [], configs: [])
        for (key, value) in mapping {
            guard let name = key.string, !csvKeys.contains(name) else { continue }
            device.preserved.append(YAMLText.pair(key, value))
        }
        if let configs = mapping["configs"] {
            guard let items = configs.sequence else {
                device.problem = "its configs field is not a list"
                return device
            }
            for item in items {
                guard let entryMap = item.mapping, let file = entryMap["file"]?.string else {
                    device.problem = "a configs entry has no file name"
                    return device
                }
                var entry = ConfigEntry(file: file)
                for (key, value) in entryMap {
                    switch key.string {
                    case "file": break
                    case "type": entry.type = value.string
                    case "note": entry.note = value.string
                    case "autoConfig": entry.autoConfig = value.bool ?? false
                    case "autoConfigSave": entry.autoConfigSave = value.bool ?? false
                    case "schedule": entry.schedule = value.bool ?? false
                    case "enforce": entry.enforce = value.bool
                    default: entry.extra.append(YAMLText.pair(key, value))
                    }
                }
                device.configs.append(entry)
            }
        }
        return device
    }
}
