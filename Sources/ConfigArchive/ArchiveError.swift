/// Why the config archive could not do something; each case says what to do.
public enum ArchiveError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The repository could not be opened or created.
    case repository(path: String, detail: String)
    /// A config is over ``ArchiveFormat/maxSize``: nothing was written.
    case tooLarge(device: String, format: ArchiveFormat, size: Int)
    /// A device code that cannot be a folder name.
    case badDevice(String)
    /// No such revision, or it holds no such file.
    case notFound(what: String)
    /// libgit2 failed while writing or reading.
    case git(operation: String, detail: String)
    /// The push to the remote failed.
    case push(url: String, detail: String)

    public var description: String {
        switch self {
        case .repository(let path, let detail):
            return "cannot open or create the config archive at \(path) (\(detail)); check the data folder's permissions"
        case .tooLarge(let device, let format, let size):
            return "the \(format.rawValue) config of \(device) is \(size) bytes, over the archive's limit of "
                + "\(ArchiveFormat.maxSize) bytes (16 MiB); nothing was archived"
        case .badDevice(let code):
            return "'\(code)' is not a device code the archive can keep (letters, digits, '-', '_', '.')"
        case .notFound(let what):
            return "\(what) is not in the config archive; see `cms config log DEVICE` for its revisions"
        case .git(let operation, let detail):
            return "the config archive failed to \(operation) (\(detail))"
        case .push(let url, let detail):
            return "pushing the config archive to \(url) failed (\(detail)); check archive.url and its credentials"
        }
    }
}
