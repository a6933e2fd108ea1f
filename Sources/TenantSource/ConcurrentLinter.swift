import CMSModel
import CMSPlan
import CMSSchema
import Foundation

/// Reads and parses files in parallel chunks (one per core), then runs the cross-document checks once; enforced
/// XML config files are read through the input and checked as baselines (`config.baseline`).
public enum ConcurrentLinter {
    public static func lint(_ input: RepositoryInput, limits: Limits = .default) async -> LintResult {
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let chunkSize = max(64, (input.files.count + workers - 1) / workers)
        let chunks = stride(from: 0, to: input.files.count, by: chunkSize).map {
            Array(input.files[$0..<min($0 + chunkSize, input.files.count)])
        }
        let parsed = await withTaskGroup(of: [ParsedFile].self) { group in
            for chunk in chunks {
                group.addTask { chunk.map { parse($0, limits: limits) } }
            }
            var all: [ParsedFile] = []
            for await part in group { all += part }
            return all
        }
        return Linter.check(
            parsed, repositoryPaths: input.paths, limits: limits, baselineCheck: baselineCheck(input))
    }

    /// Reads an enforced config file through `input` and parses it as `CMSPlan.BaselinePart` does at plan time,
    /// so a baseline that would fail every reconcile fails the lint instead.
    static func baselineCheck(_ input: RepositoryInput) -> BaselineCheck {
        let read = input.read
        return { path in
            let bytes: Data
            do {
                bytes = try read(path)
            } catch {
                return BaselineFinding(message: "cannot read the baseline: \(error)")
            }
            do throws(PlanError) {
                _ = try BaselinePart(file: path, xml: Array(bytes))
                return nil
            } catch {
                return BaselineFinding(message: error.message, line: error.line)
            }
        }
    }

    private static func parse(_ file: RepositoryInput.File, limits: Limits) -> ParsedFile {
        let data: Data
        do {
            data = try file.read()
        } catch {
            return Linter.unreadable(path: file.path, reason: "\(error)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            return Linter.unreadable(path: file.path, reason: "the file is not UTF-8 text")
        }
        return Linter.parse(SourceFile(path: file.path, text: text), limits: limits)
    }
}
