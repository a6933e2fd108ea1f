import CMSModel

/// One YAML file after parsing and per-document checks; the input of ``Linter/check(_:repositoryPaths:limits:)``.
///
/// Parsing files is independent, so callers may parse them concurrently.
public struct ParsedFile: Sendable {
    public let path: String
    /// Findings local to this file (syntax, fields, formats).
    public let diagnostics: [Diagnostic]
    let documents: [ParsedDocument]

    /// Number of documents that decoded into a known kind.
    public var documentCount: Int { documents.count }
}

/// One decoded document with the positions of its fields.
struct ParsedDocument: Sendable {
    enum Payload: Sendable {
        case tenant(Tenant)
        case device(Device)
        case group(Group)
        case schedule(Schedule)
        case mail(Mail)
        case firmware(FirmwareImage)
    }

    let file: String
    let start: SourcePosition
    let payload: Payload
    let positions: [String: SourcePosition]
    let invalid: Set<String>

    func position(_ path: String) -> SourcePosition { positions[path] ?? start }
    func isValid(_ path: String) -> Bool { !invalid.contains(path) }
}
