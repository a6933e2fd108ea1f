import CMSAPI

/// `cms plan --format markdown`: a plan as a merge-request comment (GitHub, GitLab and Gitea render it alike).
enum PlanMarkdown {
    static func render(_ plan: TenantPlan) -> String {
        let short = plan.revision.count == 40 ? String(plan.revision.prefix(12)) : plan.revision
        var lines = ["### cms plan: tenant `\(plan.tenant)` at `\(short)`", ""]
        if !plan.lintErrors.isEmpty {
            lines.append("**Lint errors: this revision would NOT be applied.**")
            lines.append("")
            lines += plan.lintErrors.map { "- `" + code($0) + "`" }
            lines.append("")
        }
        let changing = plan.devices.filter { !$0.parts.isEmpty }
        var summary: [String] = ["\(changing.count) device(s) would change"]
        if !plan.deletions.isEmpty { summary.append("\(plan.deletions.count) removed") }
        if !plan.suspensions.isEmpty { summary.append("\(plan.suspensions.count) suspended") }
        if !plan.resumptions.isEmpty { summary.append("\(plan.resumptions.count) resumed") }
        lines.append(plan.hasChanges ? "**" + summary.joined(separator: ", ") + ".**" : "**No changes**: every device matches.")
        if !plan.deletions.isEmpty || !plan.suspensions.isEmpty || !plan.resumptions.isEmpty {
            lines.append("")
            lines.append("| device | change |")
            lines.append("|---|---|")
            lines += plan.deletions.map { "| `\(code($0))` | removed (gone from git) |" }
            lines += plan.suspensions.map { "| `\(code($0))` | suspended (no longer managed) |" }
            lines += plan.resumptions.map { "| `\(code($0))` | resumed (managed again) |" }
        }
        if let refused = plan.pruneRefused { lines += ["", "> **Prune refused:** " + text(refused)] }
        for device in plan.devices {
            lines.append("")
            lines.append("<details><summary><code>\(html(device.device))</code>: "
                + (device.parts.isEmpty ? "note" : device.parts.map(\.part).joined(separator: ", ")) + "</summary>")
            lines.append("")
            if !device.parts.isEmpty {
                lines.append("```diff")
                for part in device.parts {
                    lines.append("# \(part.part)")
                    lines += part.summary.map { fence($0) }
                    if let native = part.native { lines += native.split(separator: "\n").map { fence(String($0)) } }
                }
                lines.append("```")
            }
            lines += device.notes.map { "- note: " + text($0) }
            lines.append("")
            lines.append("</details>")
        }
        return lines.joined(separator: "\n")
    }

    /// Inside backticks: no backtick may close the span early, no line feed.
    static func code(_ value: String) -> String {
        TextTable.sanitize(value).replacingOccurrences(of: "`", with: "'")
    }

    /// Inside a fenced block: a line of three backticks would end it.
    static func fence(_ value: String) -> String {
        TextTable.sanitize(value).replacingOccurrences(of: "```", with: "'''")
    }

    static func html(_ value: String) -> String {
        TextTable.sanitize(value).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Plain text in a list or quote: markup characters escaped.
    static func text(_ value: String) -> String {
        var out = ""
        for character in TextTable.sanitize(value) {
            if "\\`*_[]<>|#".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
