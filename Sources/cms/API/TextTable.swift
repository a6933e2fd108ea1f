import CMSModel
import Foundation

/// Aligned text columns for terminals: widths measured in display cells (a Japanese character takes
/// two), control characters made visible (names come from tenant repositories and must not move the
/// cursor), and flexible columns shortened with `…` so lines fit the terminal width.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []
    /// Columns that may be shortened to fit (names, messages).
    var flexible: Set<Int> = []
    /// Columns left out (rightmost first) when the flexible ones would otherwise be cut below
    /// ``comfortableWidth`` (details that other commands show in full).
    var droppable: [Int] = []

    /// Flexible columns are only cut below this many cells once every droppable column is gone.
    static let comfortableWidth = 16

    /// The table as lines no wider than `width` cells (unless the fixed columns alone are wider).
    func render(width: Int = TextTable.terminalWidth) -> String {
        var cells = ([headers] + rows).map { $0.map(Self.sanitize) }
        var widths = headers.indices.map { column in
            cells.map { column < $0.count ? Self.displayWidth($0[column]) : 0 }.max() ?? 0
        }
        let gap = 2
        func total() -> Int { widths.reduce(0, +) + gap * max(widths.count - 1, 0) }
        func comfortable() -> Int {
            total()
                - flexible.filter { $0 < widths.count }.reduce(0) {
                    $0 + max(widths[$1] - Self.comfortableWidth, 0)
                }
        }
        var flexible = flexible
        for column in droppable.sorted(by: >) where comfortable() > width && column < widths.count {
            // Drop from the right so that earlier indices stay valid.
            widths.remove(at: column)
            cells = cells.map { row in column < row.count ? Array(row[..<column] + row[(column + 1)...]) : row }
            flexible = Set(flexible.compactMap { $0 == column ? nil : ($0 > column ? $0 - 1 : $0) })
        }
        while total() > width {
            let candidates = flexible.filter {
                $0 < widths.count && widths[$0] > max(Self.displayWidth(cells[0][$0]), 8)
            }
            // Ties go to the rightmost column: the same cut every run (a Set's order is not).
            guard let widest = candidates.max(by: { (widths[$0], $0) < (widths[$1], $1) }) else { break }
            widths[widest] -= 1
        }
        var lines: [String] = []
        for row in cells {
            var line = ""
            for (column, columnWidth) in widths.enumerated() {
                let cell = Self.truncate(column < row.count ? row[column] : "", to: columnWidth)
                line += cell
                if column < widths.count - 1 {
                    line += String(repeating: " ", count: columnWidth - Self.displayWidth(cell) + gap)
                }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// `COLUMNS` when set to a sensible number, else the terminal's width; unlimited when standard output is not a
    /// terminal (a pipe or a file gets every message whole).
    static var terminalWidth: Int { Terminal.width ?? Int.max }

    /// Cells a string takes in a terminal: East Asian wide and fullwidth characters 2, combining marks
    /// and zero-width characters 0, everything else 1.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + width(of: $1) }
    }

    static func width(of scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if value == 0x200B || (0xFE00...0xFE0F).contains(value) { return 0 }
        let wide: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
        ]
        return wide.contains { $0.contains(value) } ? 2 : 1
    }

    /// The text cut to `width` cells, ending in `…` when cut.
    static func truncate(_ text: String, to width: Int) -> String {
        guard displayWidth(text) > width else { return text }
        guard width > 0 else { return "" }
        var out = ""
        var used = 0
        for character in text {
            let cells = displayWidth(String(character))
            if used + cells > width - 1 { break }
            out.append(character)
            used += cells
        }
        return out + "…"
    }

    /// Control characters (C0, DEL, C1) shown as `?`, so data cannot move the cursor or recolour text.
    static func sanitize(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if ControlCharacters.isControl(scalar) {
                out += "?"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
