import Yams

/// Writes a `kind: Device` document in the layout of `docs/tenant-repo.md`.
public enum DeviceDocumentRenderer {
    /// The document body (no modeline), ending in a newline.
    public static func render(
        code: String, name: String, product: String, note: String,
        preserved: [String], configs: [ConfigEntry]
    ) -> String {
        var out = "apiVersion: cms/v1\nkind: Device\n"
        out += "code: \(YAMLText.scalar(code))\n"
        out += "name: \(YAMLText.scalar(name))\n"
        out += "product: \(YAMLText.scalar(product))\n"
        if !note.isEmpty { out += "note: \(YAMLText.scalar(note))\n" }
        for field in preserved { out += field }
        if !configs.isEmpty {
            out += "configs:\n"
            for entry in configs { out += render(entry) }
        }
        return out
    }

    /// One `configs` item, indented under `configs:` as in the format document.
    static func render(_ entry: ConfigEntry) -> String {
        var block = "file: \(YAMLText.scalar(entry.file))\n"
        if let type = entry.type { block += YAMLText.pair(Node("type"), YAMLText.string(type)) }
        if let note = entry.note { block += YAMLText.pair(Node("note"), YAMLText.string(note)) }
        block += "autoConfig: \(entry.autoConfig)\n"
        block += "autoConfigSave: \(entry.autoConfigSave)\n"
        block += "schedule: \(entry.schedule)\n"
        if let enforce = entry.enforce { block += "enforce: \(enforce)\n" }
        for extra in entry.extra { block += extra }
        var out = ""
        for (i, line) in block.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            out += (i == 0 ? "  - " : "    ") + line + "\n"
        }
        return out
    }
}
