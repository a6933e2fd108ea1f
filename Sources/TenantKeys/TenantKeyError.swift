/// Why a tenant's SSH key could not be created or used; each case names the file and what to do.
public enum TenantKeyError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The tenant code cannot name a folder safely.
    case invalidTenantCode(String)
    /// A key folder or file is readable or writable by others, is not ours, or is not a regular file.
    case insecure(path: String, reason: String)
    /// The private key file does not parse or does not verify.
    case corruptKey(path: String, reason: String)
    /// The public key file does not belong to the private key.
    case publicKeyMismatch(path: String)
    /// A file system operation failed.
    case io(path: String, reason: String)
    /// The key could not be generated or encoded.
    case generation(String)

    public var description: String {
        switch self {
        case .invalidTenantCode(let code):
            return "invalid tenant code `\(code)`: use letters, digits, `-` and `_` only"
        case .insecure(let path, let reason):
            return "refusing to use \(path): \(reason); fix it (chmod 700 the folder, 600 the private key) or "
                + "restore the key from a backup"
        case .corruptKey(let path, let reason):
            return "the private key \(path) is damaged: \(reason); restore it from a backup (a new key would have "
                + "to be installed on every device)"
        case .publicKeyMismatch(let path):
            return "\(path) does not match its private key; delete it and it will be derived again"
        case .io(let path, let reason):
            return "cannot write \(path): \(reason)"
        case .generation(let reason):
            return "cannot generate the key: \(reason)"
        }
    }
}
