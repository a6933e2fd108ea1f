#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CMSSchema
import Foundation
import GitSource

/// Collects a repository's files, from a folder or from a committed revision: the documents ``LintedPaths`` names
/// are linted; every path is known so that config and firmware files can be checked.
public enum RepositoryLoader {
    /// The files of the folder `root` (hidden entries skipped, symbolic links not followed).
    public static func folder(_ root: String) throws -> RepositoryInput {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError(description: "\(root) is not a folder")
        }
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        var relativePaths: [String] = []
        // readdir with d_type: Foundation's URL enumeration with resource values cost a quarter of the run.
        try walk(base, relative: "", into: &relativePaths)
        var files: [RepositoryInput.File] = []
        for relative in relativePaths where LintedPaths.contains(relative) {
            let full = base + "/" + relative
            files.append(RepositoryInput.File(path: relative) { try readFile(full) })
        }
        let known = Set(relativePaths)
        return RepositoryInput(
            files: files.sorted { $0.path < $1.path }, paths: known, revision: nil,
            read: { path in
                // Only paths the walk found: no `..`, no symbolic links, nothing outside the folder.
                guard known.contains(path) else { throw InputError(description: "\(path) is not a file of \(base)") }
                return try readFile(base + "/" + path)
            })
    }

    /// Regular files below `directory`, skipping hidden entries; symbolic links are not followed.
    private static func walk(_ directory: String, relative: String, into paths: inout [String]) throws {
        guard let handle = opendir(directory) else {
            throw InputError(description: "cannot read the folder \(directory): \(String(cString: strerror(errno)))")
        }
        defer { closedir(handle) }
        var subdirectories: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            let path = relative.isEmpty ? name : relative + "/" + name
            var type = Int32(entry.pointee.d_type)
            if type == Int32(DT_UNKNOWN) {
                var info = stat()
                guard lstat(directory + "/" + name, &info) == 0 else { continue }
                type =
                    (info.st_mode & S_IFMT) == S_IFDIR
                    ? Int32(DT_DIR)
                    : (info.st_mode & S_IFMT) == S_IFREG
                        ? Int32(DT_REG) : Int32(DT_LNK)
            }
            if type == Int32(DT_DIR) {
                subdirectories.append(name)
            } else if type == Int32(DT_REG) {
                paths.append(path)
            }
        }
        for name in subdirectories {
            try walk(directory + "/" + name, relative: relative.isEmpty ? name : relative + "/" + name, into: &paths)
        }
    }

    /// The whole file, read with open/fstat/read (URL-based reading cost as much as parsing here).
    public static func readFile(_ path: String) throws -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw InputError(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw InputError(description: "cannot stat \(path): \(String(cString: strerror(errno)))")
        }
        var data = Data(count: Int(info.st_size))
        var total = 0
        let failed: Bool = data.withUnsafeMutableBytes { buffer in
            while total < buffer.count {
                let count = read(fd, buffer.baseAddress! + total, buffer.count - total)
                if count < 0 { return true }
                if count == 0 { break }
                total += count
            }
            return false
        }
        guard !failed else { throw InputError(description: "cannot read \(path): \(String(cString: strerror(errno)))") }
        data.count = total
        return data
    }

    /// The files of the repository at `path` at `revision` (HEAD, a branch, a tag, a sha), read through libgit2.
    public static func git(repository path: String, revision: String) throws -> RepositoryInput {
        try git(GitRepository(path: path), revision: revision)
    }

    /// The files of `repository` at `revision`, no checkout. With `subfolder`, only that folder's files are read
    /// and their paths are relative to it (a tenant that is one folder of a larger repository).
    public static func git(_ repository: GitRepository, revision: String, subfolder: String? = nil) throws
        -> RepositoryInput
    {
        let tree = try repository.tree(at: revision)
        // Hidden entries (`.gitignore`, `.github/`…) are skipped, as the folder walk skips them.
        var entries = tree.entries.filter { !$0.path.split(separator: "/").contains { $0.hasPrefix(".") } }
            .map { (path: $0.path, entry: $0) }
        if let prefix = normalised(subfolder) {
            entries = entries.compactMap { item in
                item.path.hasPrefix(prefix + "/") ? (String(item.path.dropFirst(prefix.count + 1)), item.entry) : nil
            }
            guard !entries.isEmpty else {
                throw InputError(
                    description: "the folder `\(prefix)` does not exist at \(tree.commit.prefix(12)); "
                        + "check the tenant's sub-folder")
            }
        }
        let files = entries.filter { LintedPaths.contains($0.path) }.map { item in
            RepositoryInput.File(path: item.path) { try repository.read(item.entry) }
        }
        let byPath = Dictionary(entries.map { ($0.path, $0.entry) }, uniquingKeysWith: { first, _ in first })
        let commit = tree.commit
        return RepositoryInput(
            files: files.sorted { $0.path < $1.path }, paths: Set(byPath.keys), revision: commit,
            read: { path in
                guard let entry = byPath[path] else {
                    throw InputError(description: "\(path) is not a file of revision \(commit.prefix(12))")
                }
                return try repository.read(entry)
            })
    }

    /// `sub/folder` without leading, trailing or doubled slashes; nil for the repository root.
    static func normalised(_ subfolder: String?) -> String? {
        guard let subfolder else { return nil }
        let parts = subfolder.split(separator: "/").filter { !$0.isEmpty && $0 != "." }
        return parts.isEmpty ? nil : parts.joined(separator: "/")
    }
}
