/// Splits a YAML stream into its documents' source text at the `---` marker lines, so one document of a
/// multi-document file can be rewritten while every other byte of the file stays as the author wrote it.
///
/// A marker is a line starting with `---` followed by a space, a tab or the end of the line; inside a block
/// scalar such a line would have to be indented, so a column-0 marker always starts a new document.
public enum YAMLSegments {
    /// The segments of `text`; joined back with `""` they give `text` unchanged.
    public static func split(_ text: String) -> [String] {
        var segments: [String] = []
        var current = ""
        var lineStart = text.startIndex
        while lineStart < text.endIndex {
            let lineEnd = text[lineStart...].firstIndex(of: "\n").map { text.index(after: $0) } ?? text.endIndex
            let line = text[lineStart..<lineEnd]
            if isMarker(line), !current.isEmpty {
                segments.append(current)
                current = ""
            }
            current += line
            lineStart = lineEnd
        }
        if !current.isEmpty || segments.isEmpty { segments.append(current) }
        return segments
    }

    static func isMarker(_ line: Substring) -> Bool {
        guard line.hasPrefix("---") else { return false }
        let rest = line.dropFirst(3)
        guard let next = rest.first else { return true }
        return next == " " || next == "\t" || next == "\n" || next == "\r"
    }

    /// The leading lines of a segment that are not part of the document body: the `---` marker,
    /// comments (such as the yaml-language-server modeline) and blank lines.
    public static func header(of segment: String) -> String {
        var header = ""
        for line in segment.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.isEmpty || trimmed.hasPrefix("#")
                || (isMarker(line)
                    && line.dropFirst(3)
                        .allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }))
            {
                header += line + "\n"
            } else {
                break
            }
        }
        return header
    }
}
