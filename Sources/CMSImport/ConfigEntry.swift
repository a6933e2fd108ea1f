/// One entry of a device's `configs:` list, as the importer reads and writes it.
public struct ConfigEntry: Equatable, Sendable {
    public var file: String
    /// Written only when the source document had it (the default follows from the extension).
    public var type: String?
    public var note: String?
    public var autoConfig = false
    public var autoConfigSave = false
    public var schedule = false
    public var enforce: Bool?
    /// Keys the importer does not know, kept verbatim as rendered YAML (`key: value` lines, unindented).
    public var extra: [String] = []

    public init(file: String) {
        self.file = file
    }
}
