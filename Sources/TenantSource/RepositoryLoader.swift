#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CMSModel
import CMSSchema
import Foundation
import GitSource

/// Collects a repository's files, from a folder or from a committed revision: the documents ``LintedPaths`` names
/// are linted; every path is known so that config and firmware files can be checked.
public enum RepositoryLoader {
    /// The files of the folder `root` (hidden entries skipped, symbolic links not followed but reported as
    /// `input.symlink` findings, as a revision's links are), read under `limits`.
    public static func folder(_ root: String, limits: InputLimits = .default) throws -> RepositoryInput {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError(description: "\(root) is not a folder")
        }
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        var walk = Walk(maxFiles: limits.maxFiles)
        // readdir with d_type: Foundation's URL enumeration with resource values cost a quarter of the run.
        try walk.folder(base, relative: "")
        let budget = ReadBudget(limits: limits)
        var files: [RepositoryInput.File] = []
        for relative in walk.files where LintedPaths.contains(relative) {
            let full = base + "/" + relative
            files.append(RepositoryInput.File(path: relative) { try readFile(full, as: relative, budget: budget) })
        }
        let known = Set(walk.files)
        return RepositoryInput(
            files: files.sorted { $0.path < $1.path }, paths: known, revision: nil,
            findings: findings(symlinks: walk.symlinks, truncated: walk.isTruncated, limits: limits), limits: limits,
            read: { path in
                // Only paths the walk found: no `..`, no symbolic links, nothing outside the folder.
                guard known.contains(path) else { throw InputError(description: "\(path) is not a file of \(base)") }
                return try readFile(base + "/" + path, as: path, budget: budget)
            })
    }

    /// The input-level findings both loaders report: one `input.symlink` per link, one `input.limit` when the
    /// listing stopped at ``InputLimits/maxFiles``.
    static func findings(symlinks: [String], truncated: Bool, limits: InputLimits) -> [Diagnostic] {
        var findings = symlinks.sorted().map { path in
            Diagnostic(
                .inputSymlink, file: path, at: .start,
                "`\(path)` is a symbolic link; cms does not follow links in a tenant repository (one could reach "
                    + "files outside it), so it is neither linted nor used",
                hint: "replace the link with the file itself")
        }
        if truncated {
            findings.append(
                Diagnostic(
                    .inputLimit, file: ".", at: .start,
                    "the repository holds more than \(limits.maxFiles) files (cap maxFiles); it was not read further",
                    hint: "keep only the tenant's documents, configs and firmware files in the repository"))
        }
        return findings
    }

    /// Regular files and symbolic links below a folder, hidden entries skipped, links not followed; stops once
    /// more than `maxFiles` paths are found.
    private struct Walk {
        let maxFiles: Int
        var files: [String] = []
        var symlinks: [String] = []
        var isTruncated = false

        init(maxFiles: Int) { self.maxFiles = maxFiles }

        mutating func folder(_ directory: String, relative: String) throws {
            guard let handle = opendir(directory) else {
                throw InputError(
                    description: "cannot read the folder \(directory): \(String(cString: strerror(errno)))")
            }
            defer { closedir(handle) }
            var subdirectories: [String] = []
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name.hasPrefix(".") { continue }
                guard files.count + symlinks.count < maxFiles else {
                    isTruncated = true
                    return
                }
                let path = relative.isEmpty ? name : relative + "/" + name
                var type = Int32(entry.pointee.d_type)
                if type == Int32(DT_UNKNOWN) {
                    var info = stat()
                    guard lstat(directory + "/" + name, &info) == 0 else { continue }
                    switch info.st_mode & S_IFMT {
                    case S_IFDIR: type = Int32(DT_DIR)
                    case S_IFREG: type = Int32(DT_REG)
                    case S_IFLNK: type = Int32(DT_LNK)
                    default: continue
                    }
                }
                if type == Int32(DT_DIR) {
                    subdirectories.append(name)
                } else if type == Int32(DT_REG) {
                    files.append(path)
                } else if type == Int32(DT_LNK) {
                    symlinks.append(path)
                }
            }
            for name in subdirectories where !isTruncated {
                try folder(directory + "/" + name, relative: relative.isEmpty ? name : relative + "/" + name)
            }
        }
    }

    /// A file of the walk, its size charged to `budget` before it is read (no link followed: `O_NOFOLLOW`).
    static func readFile(_ path: String, as relative: String, budget: ReadBudget) throws -> Data {
        try readFile(path) { size throws(InputLimitExceeded) in try budget.charge(relative, size: size) }
    }

    /// The whole file, read with open/fstat/read (URL-based reading cost as much as parsing here); `admit` sees the
    /// size before anything is read and may refuse it.
    public static func readFile(
        _ path: String, admit: (_ size: Int) throws(InputLimitExceeded) -> Void = { _ in }
    ) throws -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw InputError(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw InputError(description: "cannot stat \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw InputError(description: "\(path) is not a regular file") }
        try admit(Int(info.st_size))
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
    public static func git(repository path: String, revision: String, limits: InputLimits = .default) throws
        -> RepositoryInput
    {
        try git(GitRepository(path: path), revision: revision, limits: limits)
    }

    /// The files of `repository` at `revision`, no checkout. With `subfolder`, only that folder's files are read
    /// and their paths are relative to it (a tenant that is one folder of a larger repository).
    /// Symbolic links are reported (`input.symlink`) and never read; blob sizes are checked against `limits` from
    /// their object headers before a blob is read.
    public static func git(
        _ repository: GitRepository, revision: String, subfolder: String? = nil, limits: InputLimits = .default
    ) throws -> RepositoryInput {
        // A sub-folder tenant shares the tree with others: its own cap applies after the prefix is taken.
        let tree = try repository.tree(at: revision, maxEntries: subfolder == nil ? limits.maxFiles : .max)
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
        var truncated = tree.isTruncated
        if entries.count > limits.maxFiles {
            entries = Array(entries.prefix(limits.maxFiles))
            truncated = true
        }
        let symlinks = entries.filter(\.entry.isSymlink).map(\.path)
        entries.removeAll { $0.entry.isSymlink }
        let budget = ReadBudget(limits: limits)
        @Sendable func read(_ path: String, _ entry: GitRepository.Entry) throws -> Data {
            try budget.charge(path, size: try repository.size(of: entry))
            return try repository.read(entry, maxBytes: limits.maxFileBytes)
        }
        let files = entries.filter { LintedPaths.contains($0.path) }.map { item in
            RepositoryInput.File(path: item.path) { try read(item.path, item.entry) }
        }
        let byPath = Dictionary(entries.map { ($0.path, $0.entry) }, uniquingKeysWith: { first, _ in first })
        let commit = tree.commit
        return RepositoryInput(
            files: files.sorted { $0.path < $1.path }, paths: Set(byPath.keys), revision: commit,
            findings: findings(symlinks: symlinks, truncated: truncated, limits: limits), limits: limits,
            read: { path in
                guard let entry = byPath[path] else {
                    throw InputError(description: "\(path) is not a file of revision \(commit.prefix(12))")
                }
                return try read(path, entry)
            })
    }

    /// `sub/folder` without leading, trailing or doubled slashes; nil for the repository root.
    static func normalised(_ subfolder: String?) -> String? {
        guard let subfolder else { return nil }
        let parts = subfolder.split(separator: "/").filter { !$0.isEmpty && $0 != "." }
        return parts.isEmpty ? nil : parts.joined(separator: "/")
    }
}
