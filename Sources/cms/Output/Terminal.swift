import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What the standard output is: a terminal (colour, width to fit) or a pipe/file (no colour, nothing cut).
enum Terminal {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    static var isTTY: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Colour only on a terminal, never with `NO_COLOR` set to anything non-empty (no-color.org) or `TERM=dumb`.
    static var colour: Bool {
        if let noColour = environment["NO_COLOR"], !noColour.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isTTY
    }

    /// The width to fit tables to: `COLUMNS` when set, else the terminal's, else nil (a pipe: nothing is cut).
    static var width: Int? {
        if let text = environment["COLUMNS"], let value = Int(text), value >= 40 { return value }
        guard isTTY else { return nil }
        var size = winsize()
        let status = withUnsafeMutablePointer(to: &size) { ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), $0) }
        if status == 0, size.ws_col >= 40 { return Int(size.ws_col) }
        return 80
    }

    enum Colour: String {
        case red = "31", green = "32", yellow = "33", bold = "1"
    }

    /// `text` in `colour` when colour is on.
    static func paint(_ text: String, _ colour: Colour, enabled: Bool = Terminal.colour) -> String {
        enabled ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// The colour of a sync status or event severity word (nil: the terminal's own).
    static func colour(severity word: String) -> Colour? {
        switch word {
        case "ready", "connected": .green
        case "reconciling", "warning": .yellow
        case "stalled", "error", "critical", "alert", "emergency": .red
        default: nil
        }
    }
}
