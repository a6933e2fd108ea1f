/// Why a tenant's server-held secret could not be created or used; each case names the file and what to do.
public enum TenantSecretError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The tenant code cannot name a folder safely.
    case invalidTenantCode(String)
    /// The folder or file is accessible to others, is not ours, or is not a regular file / folder.
    case insecure(path: String, reason: String)
    /// The file does not hold exactly the expected number of bytes.
    case wrongSize(path: String, size: Int, expected: Int)
    /// A file system operation failed.
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidTenantCode(let code):
            return "invalid tenant code `\(code)`: use letters, digits, `-` and `_` only"
        case .insecure(let path, let reason):
            return "refusing to use \(path): \(reason); fix it (chmod 700 the tenant folder, 600 the secret file) "
                + "or restore the file from a backup"
        case .wrongSize(let path, let size, let expected):
            return "\(path) holds \(size) bytes, not \(expected): it is damaged or not a secret file; restore it "
                + "from a backup (a new secret changes every pre-shared key, and every IKE policy is pushed again)"
        case .io(let path, let reason):
            return "cannot use \(path): \(reason)"
        }
    }
}
