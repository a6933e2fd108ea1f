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
        let base = URL(fileURLWithPath: root).standardizedFileURL
        let keys: [URLResourceKey] = [.isRegularFileKey, .isDirectoryKey]
        guard
            let enumerator = FileManager.default.enumerator(
                at: base, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles])
        else { throw InputError(description: "cannot read the folder \(root)") }
        let prefix = base.path.hasSuffix("/") ? base.path : base.path + "/"
        var files: [RepositoryInput.File] = []
        var paths: Set<String> = []
        for case let url as URL in enumerator {
            let values = try? url.resourceValues(forKeys: Set(keys))
            guard values?.isRegularFile == true else { continue }
            let full = url.standardizedFileURL.path
            guard full.hasPrefix(prefix) else { continue }
            let relative = String(full.dropFirst(prefix.count))
            paths.insert(relative)
            if isLinted(relative) {
                files.append(RepositoryInput.File(path: relative) { try Data(contentsOf: URL(fileURLWithPath: full)) })
            }
        }
        return RepositoryInput(files: files.sorted { $0.path < $1.path }, paths: paths, revision: nil)
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
