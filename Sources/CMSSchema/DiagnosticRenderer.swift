import Foundation

/// Renders findings as text, JSON, SARIF 2.1.0 or GitHub workflow commands. Pure string work.
public enum DiagnosticRenderer {
    /// The tool name reported in SARIF and JSON.
    public static let toolName = "cms-lint"
    public static let informationURI = "https://github.com/cms-nxr/cms/blob/main/docs/lint-rules.md"

    public static func render(_ diagnostics: [Diagnostic], format: OutputFormat, toolVersion: String = "0.1.0")
        -> String
    {
        switch format {
        case .text: return text(diagnostics)
        case .json: return json(diagnostics)
        case .sarif: return sarif(diagnostics, toolVersion: toolVersion)
        case .github: return github(diagnostics)
        }
    }

    /// `file:line:col: error: message [rule-id]` and an indented `hint:` line.
    public static func text(_ diagnostics: [Diagnostic]) -> String {
        var out = ""
        for d in diagnostics {
            out += "\(d.file):\(d.line):\(d.column): \(d.severity.rawValue): \(d.message) [\(d.ruleID)]\n"
            if let hint = d.hint { out += "    hint: \(hint)\n" }
        }
        return out
    }

    private struct JSONReport: Encodable {
        struct Summary: Encodable {
            let errors: Int
            let warnings: Int
        }
        let tool: String
        let diagnostics: [Diagnostic]
        let summary: Summary
    }

    public static func json(_ diagnostics: [Diagnostic]) -> String {
        let report = JSONReport(
            tool: toolName, diagnostics: diagnostics,
            summary: .init(
                errors: diagnostics.count { $0.severity == .error },
                warnings: diagnostics.count { $0.severity == .warning }))
        return encode(report)
    }

    /// `::error file=…,line=…,col=…,title=rule::message` (GitHub Actions annotations).
    public static func github(_ diagnostics: [Diagnostic]) -> String {
        var out = ""
        for d in diagnostics {
            let command = d.severity == .error ? "error" : "warning"
            var message = d.message
            if let hint = d.hint { message += "\nhint: \(hint)" }
            out +=
                "::\(command) file=\(escapeProperty(d.file)),line=\(d.line),col=\(d.column),"
                + "title=\(escapeProperty(d.ruleID))::\(escapeData(message))\n"
        }
        return out
    }

    static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) else {
            return "{}\n"
        }
        return text + "\n"
    }
}
