import CMSModel
import Yams

/// Collects the findings and the source positions of one document while it is decoded.
///
/// Used by one parse on one thread only; never shared.
final class DocumentReader {
    let file: String
    let start: SourcePosition
    let limits: CMSLimits
    var diagnostics: [Diagnostic] = []
    /// Field path (`members[2].device`) → position of its value; used by the cross-document checks.
    var positions: [String: SourcePosition] = [:]
    /// Paths of fields whose value was invalid; cross checks that depend on them are skipped.
    var invalid: Set<String> = []

    init(file: String, start: SourcePosition, limits: CMSLimits) {
        self.file = file
        self.start = start
        self.limits = limits
    }

    func report(_ rule: Rule, at position: SourcePosition?, _ message: String, hint: String? = nil) {
        diagnostics.append(Diagnostic(rule, file: file, at: position ?? start, message, hint: hint))
    }
}

typealias CMSLimits = Limits

extension Mark {
    var position: SourcePosition { SourcePosition(line: line, column: column) }
}

extension Node {
    var position: SourcePosition? { mark?.position }

    /// A plain `~`, `null` or empty scalar.
    var isNull: Bool {
        guard case .scalar(let scalar) = self else { return false }
        guard scalar.style == .plain || scalar.style == .any else { return false }
        switch scalar.string {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    var yamlTypeName: String {
        switch self {
        case .scalar: return "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}
