import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The data folder holds the stores, the tenants' private keys, API tokens and secrets: only `cmsd`'s user may
/// read or change it. At start a group- or world-writable data folder is refused (someone else could already have
/// replaced a key or a store, so fixing the mode would hide it), and group/world permission bits are cleared from
/// everything inside (folders 0700, files 0600 — an executable bit of the owner is kept), e.g. after an operator
/// pre-created the folder 0755 or copied files in with a 022 umask. `cmsd` itself runs with umask 077.
public enum DataFolderModes {
    /// Checks and fixes the data folder at `path`; a ``ConfigurationError`` naming the folder when it is writable
    /// by others or is not a folder.
    public static func secure(_ path: String) throws(ConfigurationError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw ConfigurationError(
                file: path, line: nil, field: "dataFolder", message: "cannot be read (\(String(cString: strerror(errno))))")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw ConfigurationError(
                file: path, line: nil, field: "dataFolder", message: "is not a folder (a symbolic link is not accepted)")
        }
        let mode = info.st_mode & 0o7777
        if mode & 0o022 != 0 {
            throw ConfigurationError(
                file: path, line: nil, field: "dataFolder",
                message: "is writable by its group or by everyone (mode \(String(mode, radix: 8))): it holds private "
                    + "keys, tokens and the stores; check nothing in it was tampered with, then chmod 700 '\(path)'")
        }
        try fix(path, info: info)
        guard let walker = FileManager.default.enumerator(atPath: path) else { return }
        while let relative = walker.nextObject() as? String {
            let child = path + "/" + relative
            var childInfo = stat()
            // lstat: a symbolic link is left alone (chmod would follow it out of the data folder).
            guard lstat(child, &childInfo) == 0 else { continue }
            try fix(child, info: childInfo)
        }
    }

    private static func fix(_ path: String, info: stat) throws(ConfigurationError) {
        let type = info.st_mode & S_IFMT
        guard type == S_IFDIR || type == S_IFREG else { return }
        let mode = info.st_mode & 0o7777
        let wanted = type == S_IFDIR ? mode_t(0o700) : (mode & 0o700) | 0o600
        let loose = type == S_IFDIR ? mode != 0o700 : mode & 0o077 != 0
        guard loose else { return }
        guard chmod(path, wanted) == 0 else {
            throw ConfigurationError(
                file: path, line: nil, field: "dataFolder",
                message: "cannot restrict its mode to \(String(wanted, radix: 8)) "
                    + "(\(String(cString: strerror(errno)))); chown it to cmsd's user")
        }
    }
}
