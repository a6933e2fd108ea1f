#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import GitSource

/// Collects a repository's files: `*.yaml` / `*.yml` outside `configs/` and hidden folders are linted; every path
/// is known so that config and firmware files can be checked.
enum RepositoryLoader {
    static func isLinted(_ path: String) -> Bool {
        guard path.hasSuffix(".yaml") || path.hasSuffix(".yml") else { return false }
        if path.hasPrefix("configs/") { return false }
        return !path.split(separator: "/").contains { $0.hasPrefix(".") }
    }

    static func folder(_ root: String) throws -> RepositoryInput {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError(description: "\(root) is not a folder")
        }
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        var relativePaths: [String] = []
        // readdir with d_type: Foundation's URL enumeration with resource values cost a quarter of the run.
        try walk(base, relative: "", into: &relativePaths)
        var files: [RepositoryInput.File] = []
        for relative in relativePaths where isLinted(relative) {
            let full = base + "/" + relative
            files.append(RepositoryInput.File(path: relative) { try readFile(full) })
        }
        return RepositoryInput(
            files: files.sorted { $0.path < $1.path }, paths: Set(relativePaths), revision: nil)
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
    static func readFile(_ path: String) throws -> Data {
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

    static func git(repository: String, revision: String) throws -> RepositoryInput {
        let repo = try GitRepository(path: repository)
        let tree = try repo.tree(at: revision)
        let files = tree.entries.filter { isLinted($0.path) }.map { entry in
            RepositoryInput.File(path: entry.path) { try repo.read(entry) }
        }
        return RepositoryInput(
            files: files.sorted { $0.path < $1.path }, paths: Set(tree.entries.map(\.path)),
            revision: String(tree.commit.prefix(12)))
    }
}
