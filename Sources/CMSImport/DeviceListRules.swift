import CMSModel

/// The field rules of the original CMS device list (guide §3.3.1.6), as pure checks.
/// Products and per-device limits come from CMSModel, so the importer and cms-lint agree.
/// Each returns nil when the value is fine, else the reason shown in the check result.
public enum DeviceListRules {
    /// The products a device may be; the guide also spells the last one `NXR1200`.
    public static let products = Product.allCases.map(\.rawValue)
    public static let maxCodeLength = 16
    public static let maxNameLength = 32
    public static let maxNoteLength = 64
    public static let maxConfigNameLength = 32
    public static let maxConfigFilesPerDevice = Limits.default.configFilesPerDevice

    /// 1–16 of `[a-z0-9_]`, the first a lowercase letter.
    public static func codeProblem(_ code: String) -> String? {
        if code.isEmpty { return "device code is empty" }
        if code.unicodeScalars.count > maxCodeLength {
            return "device code \"\(code)\" is longer than \(maxCodeLength) characters"
        }
        guard let first = code.unicodeScalars.first, ("a"..."z").contains(first) else {
            return "device code \"\(code)\" must start with a lowercase letter a–z"
        }
        for s in code.unicodeScalars where !(("a"..."z").contains(s) || ("0"..."9").contains(s) || s == "_") {
            return "device code \"\(code)\" contains \"\(s)\"; use only a–z, 0–9 and _"
        }
        return nil
    }

    /// ≤32 characters of any text, but no control characters (they would break the YAML and the GUI).
    public static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "device name is empty" }
        if name.count > maxNameLength { return "device name is \(name.count) characters; at most \(maxNameLength)" }
        if name.unicodeScalars.contains(where: isControl) { return "device name contains a control character" }
        return nil
    }

    public static func noteProblem(_ note: String) -> String? {
        if note.count > maxNoteLength { return "note is \(note.count) characters; at most \(maxNoteLength)" }
        if note.unicodeScalars.contains(where: isControl) { return "note contains a control character" }
        return nil
    }

    /// The canonical product name for a CSV value, or nil when it is not one of the seven models.
    public static func product(_ value: String) -> String? {
        if products.contains(value) { return value }
        if value == "NXR1200" { return "NXR-1200" }
        return nil
    }

    /// 1–32 characters of `[A-Za-z0-9_]` plus `.xml`, `.tgz` or `.config` (the contract's reading of the guide).
    public static func configNameProblem(_ name: String) -> String? {
        guard ConfigFileKind(fileName: name) != nil, let dot = name.lastIndex(of: ".") else {
            return "config file name \"\(name)\" must end in .xml, .tgz or .config"
        }
        let stem = name[..<dot]
        if stem.isEmpty { return "config file name \"\(name)\" has nothing before the extension" }
        if stem.unicodeScalars.count > maxConfigNameLength {
            return "config file name \"\(name)\" is longer than \(maxConfigNameLength) characters before the extension"
        }
        for s in stem.unicodeScalars
        where !(s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "_")) {
            return "config file name \"\(name)\" contains \"\(s)\"; use only A–Z, a–z, 0–9 and _"
        }
        return nil
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.properties.generalCategory == .control
    }
}
