import CMSModel
import Yams

/// The linter: YAML text → typed desired state + findings. Pure: no files, no threads, no clocks.
///
/// ``parse(_:limits:)`` is independent per file, so a caller with many files may run it concurrently and then
/// call ``check(_:repositoryPaths:limits:)`` once; ``lint(_:repositoryPaths:limits:)`` does both in sequence.
public enum Linter {
    /// Parses one file and runs every check that needs only that file.
    ///
    /// The file is first held to `input`'s caps (size, aliases, expanded nodes, depth): a file over one gets a single
    /// `yaml.limit` / `input.limit` finding and is never composed, so an alias bomb costs one event scan, not a hang.
    /// `expired` is polled while scanning; it says the caller's time budget is spent.
    public static func parse(
        _ file: SourceFile, limits: Limits = .default, input: InputLimits = .default,
        expired: () -> Bool = { false }
    ) -> ParsedFile {
        var documents: [ParsedDocument] = []
        var diagnostics: [Diagnostic] = []
        let size = file.text.utf8.count
        if size > input.maxFileBytes {
            return ParsedFile(path: file.path, diagnostics: [fileTooLarge(path: file.path, size: size, input: input)], documents: [])
        }
        if let violation = YAMLPrescan.check(file.text, limits: input, expired: expired) {
            let diagnostic = Diagnostic(
                .yamlLimit, file: file.path, at: violation.position, violation.message, hint: violation.hint)
            return ParsedFile(path: file.path, diagnostics: [diagnostic], documents: [])
        }
        do {
            // No implicit tag resolution: every field reads the scalar text itself, and Yams' regex-based
            // resolver (used when it hashes keys for the duplicate check) was most of the parse time.
            let parser = try Parser(yaml: file.text, resolver: .basic, encoding: .utf8)
            while let root = try parser.nextRoot() {
                if root.isNull { continue }  // an empty document between `---` markers
                let (document, found) = DocumentDecoder.decode(root, file: file.path, limits: limits)
                diagnostics += found
                if let document { documents.append(document) }
            }
        } catch let error as YamlError {
            diagnostics.append(syntaxDiagnostic(error, file: file.path))
        } catch {
            diagnostics.append(
                Diagnostic(.yamlSyntax, file: file.path, at: .start, "the file cannot be read as YAML: \(error)"))
        }
        return ParsedFile(path: file.path, diagnostics: diagnostics, documents: documents)
    }

    /// Runs the checks that span documents and returns every finding of every file, sorted.
    ///
    /// - Parameter repositoryPaths: every repository-relative file path (so `configs/<device>/<file>` and
    ///   firmware files can be checked without I/O).
    /// - Parameter baselineCheck: reads and checks an enforced XML config file (`config.baseline`); supplied by
    ///   callers that can read files (this module does no I/O). Without it, baselines are not looked into.
    public static func check(
        _ files: [ParsedFile], repositoryPaths: Set<String>, limits: Limits = .default,
        baselineCheck: BaselineCheck? = nil
    ) -> LintResult {
        var checker = CrossChecker(limits: limits, repositoryPaths: repositoryPaths, baselineCheck: baselineCheck)
        let snapshot = checker.run(files)
        var diagnostics = files.flatMap(\.diagnostics) + checker.diagnostics
        diagnostics.sort()
        let clean = !diagnostics.contains { $0.severity == .error }
        return LintResult(snapshot: clean ? snapshot : nil, diagnostics: diagnostics)
    }

    /// Parses and checks a whole repository on the calling thread.
    public static func lint(
        _ files: [SourceFile], repositoryPaths: Set<String>, limits: Limits = .default,
        input: InputLimits = .default, baselineCheck: BaselineCheck? = nil
    ) -> LintResult {
        check(
            files.map { parse($0, limits: limits, input: input) }, repositoryPaths: repositoryPaths, limits: limits,
            baselineCheck: baselineCheck)
    }

    static func syntaxDiagnostic(_ error: YamlError, file: String) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return Diagnostic(.yamlSyntax, file: file, at: mark.position, "YAML syntax error: \(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Diagnostic(
                .yamlDuplicateKey, file: file, at: context.mark.position,
                "duplicate key " + duplicates.map { "`\($0)`" }.joined(separator: ", ") + " in one mapping",
                hint: "YAML keeps only one of them; remove the other")
        case .reader(let problem, _, _, _):
            return Diagnostic(.yamlSyntax, file: file, at: .start, "the file is not valid UTF-8 text: \(problem)")
        default:
            return Diagnostic(.yamlSyntax, file: file, at: .start, "YAML error: \(error)")
        }
    }
}

extension Linter {
    /// The `input.limit` finding of a file larger than `maxFileBytes` (its size known before it is read).
    public static func fileTooLarge(path: String, size: Int, input: InputLimits) -> Diagnostic {
        Diagnostic(
            .inputLimit, file: path, at: .start,
            "the file is \(size) bytes, over the cap of \(input.maxFileBytes) bytes per file (maxFileBytes); "
                + "it was not read",
            hint: "keep large files (images, archives) out of the tenant repository, or split the document")
    }

    /// A finding about the input rather than one document (a link, a cap): one file entry with that finding.
    public static func inputFinding(_ diagnostic: Diagnostic) -> ParsedFile {
        ParsedFile(path: diagnostic.file, diagnostics: [diagnostic], documents: [])
    }

    /// A file that could not be read or decoded as UTF-8: one `yaml.syntax` finding at its start.
    public static func unreadable(path: String, reason: String) -> ParsedFile {
        ParsedFile(
            path: path,
            diagnostics: [
                Diagnostic(
                    .yamlSyntax, file: path, at: .start, "cannot read the file: \(reason)",
                    hint: "save it as UTF-8 YAML")
            ], documents: [])
    }
}
