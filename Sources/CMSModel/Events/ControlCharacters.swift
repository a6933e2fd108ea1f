/// Characters that must not reach a terminal or a spreadsheet raw: C0 controls (ESC starts terminal escape
/// sequences that move the cursor, rewrite the title or hide text), DEL, C1 controls (U+0080–U+009F; CSI is a
/// one-character ESC [), the line and paragraph separators, and the bidirectional overrides and isolates
/// (which reorder what is shown). Commit authors, device codes and NETCONF replies can carry any of them.
///
/// Stored values stay intact (the event log keeps what was said, the JSON API escapes controls as JSON does); the
/// text is made safe where it is rendered: CSV export and terminal output.
public enum ControlCharacters {
    /// Whether `scalar` is one of the dangerous characters (tab, LF and CR included: callers keep those they allow).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        default: false
        }
    }

    /// `text` with every control except those in `keeping` written as a visible escape: `\x1B` for C0, DEL and C1,
    /// `\u202E` for the others. A backslash itself is left alone (the escape is for eyes, not for parsing back).
    public static func escaped(_ text: String, keeping: Set<Unicode.Scalar> = []) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && !keeping.contains($0) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar), !keeping.contains(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                let escape =
                    scalar.value <= 0xFF
                    ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                    : "\\u" + String(repeating: "0", count: max(4 - hex.count, 0)) + hex
                out.append(contentsOf: escape.unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
