import CMSModel
import CMSPlan
import CMSSchema
import Foundation
import GitSource

/// Reads and parses files in parallel chunks (one per core), then runs the cross-document checks once; enforced
/// XML config files are read through the input and checked as baselines (`config.baseline`).
///
/// The work runs on threads of its own, never on the Swift concurrency pool: a revision is input from a tenant,
/// and however it is built (an alias bomb, a huge file) it must not take the pool's threads from the API, the
/// NETCONF sessions and the other tenants. It is held to ``InputLimits``: sizes and YAML caps per file, and a time
/// budget (``InputLimits/lintSeconds``) polled between files and while scanning one; a revision past it fails lint
/// with an `input.limit` finding.
public enum ConcurrentLinter {
    /// The key under which the lint's threads carry a mark in `Thread.current.threadDictionary`.
    static let threadKey = "cms.lint-thread"

    /// Whether the caller runs on one of the lint's own threads (tests: never the concurrency pool).
    public static var isLintThread: Bool { Thread.current.threadDictionary[threadKey] as? Bool == true }

    /// Lints `input` under `input.limits`; `expired` overrides the wall-clock budget (tests inject their own).
    public static func lint(
        _ input: RepositoryInput, limits: Limits = .default, expired: (@Sendable () -> Bool)? = nil
    ) async -> LintResult {
        let expired = expired ?? deadline(seconds: input.limits.lintSeconds)
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                Thread.current.threadDictionary[threadKey] = true
                continuation.resume(returning: lintHere(input, limits: limits, expired: expired))
            }
            thread.name = "cms-lint"
            thread.stackSize = 8 << 20  // the YAML composer recurses once per level (≤ maxDepth)
            thread.start()
        }
    }

    /// How long a lint runs at normal priority.
    static let yieldAfter: Duration = .milliseconds(200)

    /// Nice 10 for the calling thread, once per thread (Linux keeps the nice value per thread: `setpriority` of
    /// "this process" changes only the calling thread, see setpriority(2), NOTES).
    static func lowerThisThreadsPriority() {
        let key = "cms.lint.yielded"
        guard Thread.current.threadDictionary[key] == nil else { return }
        Thread.current.threadDictionary[key] = true
        #if os(Linux)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
    }

    /// A budget of `seconds` from now on the monotonic clock.
    static func deadline(seconds: Double) -> @Sendable () -> Bool {
        let end = ContinuousClock.now.advanced(by: .milliseconds(Int64(seconds * 1000)))
        return { ContinuousClock.now >= end }
    }

    /// The whole lint on the calling thread, parse chunks on helper threads joined before the cross checks.
    static func lintHere(_ input: RepositoryInput, limits: Limits, expired budget: @escaping @Sendable () -> Bool)
        -> LintResult
    {
        // A lint that runs long (a hostile or huge revision) gives way: each of its threads lowers its own
        // scheduling priority once it is past `yieldAfter`, so other tenants' work (their fetch, lint, applies)
        // keeps the cores. The budget check runs on the lint's threads at every file and every 4,096 events.
        let began = ContinuousClock.now
        let expired: @Sendable () -> Bool = {
            if ContinuousClock.now - began > yieldAfter { lowerThisThreadsPriority() }
            return budget()
        }
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let chunkSize = max(64, (input.files.count + workers - 1) / workers)
        let chunks = stride(from: 0, to: input.files.count, by: chunkSize).map {
            Array(input.files[$0..<min($0 + chunkSize, input.files.count)])
        }
        let results = ParseResults(count: chunks.count)
        let done = DispatchGroup()
        for (index, chunk) in chunks.enumerated().dropFirst() {
            done.enter()
            let thread = Thread {
                Thread.current.threadDictionary[threadKey] = true
                results.set(index, chunk.compactMap { parse($0, limits: limits, input: input.limits, expired: expired) })
                done.leave()
            }
            thread.name = "cms-lint-\(index)"
            thread.stackSize = 8 << 20
            thread.start()
        }
        if let first = chunks.first {
            results.set(0, first.compactMap { parse($0, limits: limits, input: input.limits, expired: expired) })
        }
        done.wait()
        let checked = results.all
        var parsed = checked + input.findings.map(Linter.inputFinding)
        if expired() {
            parsed.append(
                Linter.inputFinding(
                    Diagnostic(
                        .inputLimit, file: ".", at: .start,
                        "the lint of this revision took longer than its budget of "
                            + "\(input.limits.lintSeconds) s (lintSeconds); \(checked.count) of \(input.files.count) "
                            + "file(s) were checked",
                        hint: "look for files that are unusually large or nested; the budget protects cmsd")))
            // Cross checks of a partial revision would only add noise; the revision fails on the finding above.
            return Linter.check(parsed, repositoryPaths: input.paths, limits: limits)
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

    /// One file read and parsed; nil when the time budget was spent before it was reached.
    private static func parse(_ file: RepositoryInput.File, limits: Limits, input: InputLimits, expired: () -> Bool)
        -> ParsedFile?
    {
        if expired() { return nil }
        let data: Data
        do {
            data = try file.read()
        } catch let error as InputLimitExceeded {
            return Linter.inputFinding(error.diagnostic)
        } catch GitSourceError.fileTooLarge(_, let size, _) {
            return Linter.inputFinding(Linter.fileTooLarge(path: file.path, size: size, input: input))
        } catch {
            return Linter.unreadable(path: file.path, reason: "\(error)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            return Linter.unreadable(path: file.path, reason: "the file is not UTF-8 text")
        }
        return Linter.parse(SourceFile(path: file.path, text: text), limits: limits, input: input, expired: expired)
    }
}

/// The parse results of each chunk, written by the chunk's thread.
private final class ParseResults: @unchecked Sendable {
    private let lock = NSLock()
    private var chunks: [[ParsedFile]]

    init(count: Int) { chunks = Array(repeating: [], count: count) }

    func set(_ index: Int, _ files: [ParsedFile]) {
        lock.lock()
        chunks[index] = files
        lock.unlock()
    }

    var all: [ParsedFile] {
        lock.lock()
        defer { lock.unlock() }
        return chunks.flatMap { $0 }
    }
}
