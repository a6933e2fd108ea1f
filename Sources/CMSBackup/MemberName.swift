/// The names a backup may hold: `manifest.json`, `manifest.mac`, and `<part>/<path>` with plain components
/// (letters, digits, `.`, `-`, `_`, `+`, `@`), no absolute path, no `.` or `..`, no empty component, at most
/// 8 levels and 255 bytes. Anything else in an archive makes it corrupt; nothing is ever written outside the
/// staging folder.
public enum MemberName {
    public static let manifest = "manifest.json"
    public static let mac = "manifest.mac"
    public static let maxLength = 255
    public static let maxDepth = 8

    /// nil when `name` is acceptable, else why not.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "an empty member name" }
        if name.utf8.count > maxLength { return "a member name longer than \(maxLength) bytes" }
        if name.hasPrefix("/") { return "an absolute path \(name)" }
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        if components.count > maxDepth { return "\(name) is nested deeper than \(maxDepth) levels" }
        for component in components {
            if component.isEmpty { return "\(name) has an empty path component" }
            if component == "." || component == ".." { return "\(name) climbs out of its folder" }
            let allowed = component.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-+@".unicodeScalars.contains($0))
            }
            if !allowed { return "\(name) has characters other than letters, digits and ._-+@" }
        }
        return nil
    }

    /// The part of a member (`keys/id_ed25519` → `keys`); nil for the manifest files.
    public static func part(of name: String) -> String? {
        guard let slash = name.firstIndex(of: "/") else { return nil }
        return String(name[..<slash])
    }
}
