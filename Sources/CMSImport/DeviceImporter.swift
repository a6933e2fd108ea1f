import Foundation

/// `cms import devices`: reads a device list (CSV or ZIP), checks it against the tenant repository and,
/// unless told not to, writes the device YAML and config files. The decisions are made by the pure
/// ``ImportPlanner``; this type only reads the inputs and applies the outcome.
public struct DeviceImporter: Sendable {
    /// How to run an import.
    public struct Options: Sendable {
        public var encoding: CSVEncoding = .utf8
        /// Only show the check result.
        public var dryRun = false
        /// Import the good lines even when some lines are errors (the original's "import" button).
        public var skipErrors = false
        public var limits = DeviceListBundle.Limits()
        public init() {}
    }

    /// What happened to the repository.
    public enum Disposition: Equatable, Sendable {
        case dryRun
        /// Nothing written because at least one line is an error and `skipErrors` is off.
        case blockedByErrors
        case written
    }

    /// The check result and what was done with it.
    public struct Outcome: Sendable {
        public var plan: ImportPlan
        public var disposition: Disposition
        /// The changes that were (or, on a dry run, would be) applied.
        public var changes: [FileChange]
        /// Files in the ZIP that no line of the list names; they are not imported.
        public var unusedArchiveFiles: [String]
    }

    public var repo: URL
    public var options: Options

    public init(repo: URL, options: Options = Options()) {
        self.repo = repo
        self.options = options
    }

    /// Reads `input` (`.csv` or `.zip`), plans, and applies the plan unless this is a dry run or errors block it.
    public func run(input: URL) throws(ImportError) -> Outcome {
        let bundle = try Self.load(input, limits: options.limits)
        let text = try options.encoding.decode(bundle.csv)
        // A header row (`code,name,product,…`) is a title, not a device line.
        let records = CSVHeader.dropHeader(CSVReader.records(in: text)).records
        let codes = Set(records.compactMap { $0.fields.first?.trimmingASCIIWhitespace() })
        let snapshot = try RepoReader(root: repo).snapshot(configsOf: codes)
        if let (path, reason) = snapshot.unparsable.min(by: { $0.key < $1.key }) {
            throw .repoUnreadable(path: path, reason: "invalid YAML (\(reason)); fix it first so no device is missed")
        }
        let plan = ImportPlanner.plan(records: records, archiveFiles: bundle.files, snapshot: snapshot)
        let named = Set(records.compactMap { $0.fields.count >= 5 ? $0.fields[4].trimmingASCIIWhitespace() : nil })
        let unused = bundle.files.keys.filter { !named.contains($0) }.sorted()
        let changes = plan.changes
        if options.dryRun {
            return Outcome(plan: plan, disposition: .dryRun, changes: changes, unusedArchiveFiles: unused)
        }
        if plan.hasErrors && !options.skipErrors {
            return Outcome(plan: plan, disposition: .blockedByErrors, changes: [], unusedArchiveFiles: unused)
        }
        try RepoWriter(root: repo).apply(changes)
        return Outcome(plan: plan, disposition: .written, changes: changes, unusedArchiveFiles: unused)
    }

    /// Reads the input file into a ``DeviceListBundle``; a `.zip` is opened with the archive safety checks.
    public static func load(_ input: URL, limits: DeviceListBundle.Limits = .init()) throws(ImportError)
        -> DeviceListBundle
    {
        let ext = input.pathExtension.lowercased()
        guard ext == "csv" || ext == "zip" else { throw .unsupportedInput(path: input.path) }
        let values: URLResourceValues
        do {
            values = try input.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
        } catch {
            throw .unreadable(path: input.path, reason: error.localizedDescription)
        }
        guard values.isRegularFile == true else { throw .unreadable(path: input.path, reason: "not a regular file") }
        let size = values.fileSize ?? 0
        // Check the size before reading, so a huge file is never loaded.
        if ext == "zip", size > limits.maxArchiveBytes {
            throw .archiveTooLarge(size: size, limit: limits.maxArchiveBytes)
        }
        if ext == "csv", size > limits.maxCSVBytes {
            throw .inputTooLarge(path: input.path, size: size, limit: limits.maxCSVBytes)
        }
        let bytes: Data
        do {
            bytes = try Data(contentsOf: input)
        } catch {
            throw .unreadable(path: input.path, reason: error.localizedDescription)
        }
        if ext == "zip" { return try DeviceListBundle.fromArchive(bytes, limits: limits) }
        return DeviceListBundle(csvName: input.lastPathComponent, csv: bytes)
    }
}
