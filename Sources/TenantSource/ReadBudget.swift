import CMSModel
import CMSSchema
import Foundation

/// The bytes one revision may read (``InputLimits/maxFileBytes`` each, ``InputLimits/maxRevisionBytes`` in all),
/// charged before a file is read from its size on disk or in its git object header.
///
/// Shared by the parse threads of one lint, hence the lock. A path is charged once: the baseline check and the
/// daemon's later read of the same config file cost the budget one time.
final class ReadBudget: @unchecked Sendable {
    let limits: InputLimits
    private let lock = NSLock()
    private var charged: [String: Int] = [:]
    private var total = 0

    init(limits: InputLimits) { self.limits = limits }

    /// Charges `size` bytes for `path`, or throws the `input.limit` finding that refuses reading it.
    func charge(_ path: String, size: Int) throws(InputLimitExceeded) {
        guard size <= limits.maxFileBytes else {
            throw InputLimitExceeded(Linter.fileTooLarge(path: path, size: size, input: limits))
        }
        lock.lock()
        defer { lock.unlock() }
        if charged[path] != nil { return }
        guard total + size <= limits.maxRevisionBytes else {
            throw InputLimitExceeded(
                Diagnostic(
                    .inputLimit, file: path, at: .start,
                    "reading this file (\(size) bytes) would take the revision past its cap of "
                        + "\(limits.maxRevisionBytes) bytes read in all (maxRevisionBytes); it was not read",
                    hint: "keep large files out of the tenant repository"))
        }
        total += size
        charged[path] = size
    }
}

/// A read refused by a cap of ``InputLimits``: the finding to report instead of the file's content.
public struct InputLimitExceeded: Error, CustomStringConvertible, Sendable {
    public let diagnostic: Diagnostic

    public init(_ diagnostic: Diagnostic) { self.diagnostic = diagnostic }

    public var description: String { "\(diagnostic.file): \(diagnostic.message)" }
}
