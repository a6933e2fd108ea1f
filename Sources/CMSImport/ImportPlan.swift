import Foundation

/// The check result of one CSV line, with the repository edits it implies.
public struct LineResult: Equatable, Sendable {
    /// `add` a new device, `replace` an existing one, or `error` (the line is not imported).
    public enum Action: String, Sendable {
        case add
        case replace
        case error
    }

    public var line: Int
    public var code: String
    public var action: Action
    /// What will happen, or why the line cannot be imported.
    public var message: String
    var edits: [RepoEdit] = []

    /// `line N: add|replace|error CODE: message`.
    public var rendered: String {
        let subject = code.isEmpty ? "-" : code
        return "line \(line): \(action.rawValue) \(subject): \(message)"
    }
}

/// One change to the repository's working tree.
enum RepoEdit: Equatable, Sendable {
    /// Replace document `segment` of the YAML file, or write a whole new file when `segment` is nil.
    case document(path: String, segment: Int?, text: String)
    case writeFile(path: String, data: Data)
    case deleteFile(path: String)
}

/// A file operation in the repository's working tree, paths relative to the repository root.
public enum FileChange: Equatable, Sendable {
    case write(path: String, data: Data)
    case delete(path: String)

    public var path: String {
        switch self {
        case .write(let path, _), .delete(let path): path
        }
    }
}

/// The result of checking a device list against the repository: one ``LineResult`` per CSV line.
public struct ImportPlan: Sendable {
    public var lines: [LineResult]
    /// Original text of the YAML files that edits rewrite in place.
    var yamlTexts: [String: String]

    public var errorCount: Int { lines.filter { $0.action == .error }.count }
    public var hasErrors: Bool { errorCount > 0 }

    /// The file operations of every non-error line (errors carry none), merged per file and sorted by path.
    public var changes: [FileChange] {
        var documentEdits: [String: [Int: String]] = [:]
        var newFiles: [String: Data] = [:]
        var deletes: Set<String> = []
        for line in lines where line.action != .error {
            for edit in line.edits {
                switch edit {
                case .document(let path, let segment?, let text): documentEdits[path, default: [:]][segment] = text
                case .document(let path, nil, let text): newFiles[path] = Data(text.utf8)
                case .writeFile(let path, let data): newFiles[path] = data
                case .deleteFile(let path): deletes.insert(path)
                }
            }
        }
        var result: [FileChange] = []
        for (path, replacements) in documentEdits {
            var segments = YAMLSegments.split(yamlTexts[path] ?? "")
            for (index, text) in replacements where segments.indices.contains(index) { segments[index] = text }
            result.append(.write(path: path, data: Data(segments.joined().utf8)))
        }
        result += newFiles.map { .write(path: $0.key, data: $0.value) }
        result += deletes.map { .delete(path: $0) }
        return result.sorted { $0.path < $1.path }
    }

    /// The summary line, e.g. `7 lines: 5 add, 1 replace, 1 error`.
    public var summary: String {
        let adds = lines.filter { $0.action == .add }.count
        let replaces = lines.filter { $0.action == .replace }.count
        return
            "\(lines.count) line\(lines.count == 1 ? "" : "s"): \(adds) add, \(replaces) replace, \(errorCount) error"
    }
}
